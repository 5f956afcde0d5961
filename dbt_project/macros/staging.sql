{#- The bodies of the event staging views that deduplicate with a window,
    with an optional predicate on the raw rows applied before the window.
    The views call them without one; the incremental models call them with a
    predicate on the partition key (the touched keys), which DuckDB does not
    push through the window when it comes from a semi-join on the view. -#}

{% macro stg_raw_messages_sql(raw_filter=none) -%}
with

messages as (
    select * from {{ base_raw('messages') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select *
    from messages
    where
        _load_id in (select current_loads.load_id from current_loads)
        {%- if raw_filter %}
        and {{ raw_filter }}
        {%- endif %}
),

repeats_ranked as (
    select
        *,
        row_number() over (
            partition by message_id
            order by {{ first_loaded_first() }}
        ) as repeat_rank
    from current_rows
),

final as (
    select
        message_id,
        campaign_id,
        contact_id,
        sent_at,
        body,
        segments,
        lower(provider) as provider,
        provider_message_id,
        _load_id,
        _source_file,
        _row_number
    from repeats_ranked
    where repeat_rank = 1
)

select * from final
{%- endmacro %}

{% macro stg_raw_clicks_sql(raw_filter=none) -%}
with

clicks as (
    select * from {{ base_raw('clicks') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select *
    from clicks
    where
        _load_id in (select current_loads.load_id from current_loads)
        {%- if raw_filter %}
        and {{ raw_filter }}
        {%- endif %}
),

{# A click_id that repeats counts once; a click without click_id counts once
    per (message, time, url). #}
repeats_ranked as (
    select
        *,
        row_number() over (
            partition by
                click_id,
                case when click_id is null then message_id end,
                case when click_id is null then clicked_at end,
                case when click_id is null then url end
            order by {{ first_loaded_first() }}
        ) as repeat_rank
    from current_rows
),

final as (
    select
        coalesce(
            click_id,
            {{ dbt.concat([
                "'row:'",
                'cast(_load_id as ' ~ dbt.type_string() ~ ')', "':'",
                'cast(_row_number as ' ~ dbt.type_string() ~ ')'
            ]) }}
        ) as click_key,
        click_id,
        message_id,
        url,
        clicked_at,
        user_agent,
        _load_id,
        _source_file,
        _row_number
    from repeats_ranked
    where repeat_rank = 1
)

select * from final
{%- endmacro %}

{#- The loads whose rows count: loaded successfully and still the current
    version of their file (raw.load_log is the loader's manifest). -#}
{% macro current_load_ids() -%}
select load_id
    from {{ base_raw('load_log') }}
    where status = 'loaded' and is_current
{%- endmacro %}

{#- The base view of raw entity `entity` (staging/raw/base_raw__<entity>). A
    staging model (and its unit tests) refs it: the dependency dbt records. The incremental models
    call these macros only on a nightly run (on a full build they read the
    staging view, so they depend on it and on its base views), and data tests
    may not ref() a model they do not depend on (macros/test_scope.sql): both
    reach it through the graph. -#}
{% macro base_raw(entity) -%}
    {%- if model is defined and (model.resource_type == 'test'
            or (model.resource_type == 'model' and model.fqn[1] != 'staging')) -%}
        {{ return(test_scope_relation('base_raw__' ~ entity)) }}
    {%- endif -%}
    {{ return(ref('base_raw__' ~ entity)) }}
{%- endmacro %}
