{#- Nightly data tests test what the run touched (DECISIONS.md, "Nightly test
    scope"). dbt wraps the model of every generic data test in
    get_where_subquery(); this override keeps a test's own `where:` config
    and, on a nightly run, narrows the tested relation to the rows the run
    re-derived, with the same predicate as the pre-hook that deleted them
    (macros/incremental.sql). Relations not listed in test_scope_sql, and
    relationships tests, are tested in full. A full refresh, the first run
    (no int_runs_completed yet) and the variable test_scope = 'all' test
    everything. -#}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scoped = test_scope_sql(relation) if execute else none -%}
    {%- if scoped -%}
        {%- set filtered -%}
            (select * from ({{ scoped }}) as test_scope{% if where %} where {{ where }}{% endif %}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- elif where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The relation of model `name` of this project, looked up in the graph:
    data tests cannot ref() a model they do not depend on. -#}
{% macro test_scope_relation(name) -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ name) -%}
    {%- do return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) -%}
{%- endmacro %}

{#- 'touched' (default) or 'all': whether this data test is scoped. -#}
{% macro test_scope_is_touched() -%}
    {#- On Spark the touched-scope models are rebuilt in full (touched_scope_materialization): every row is new. -#}
    {%- if flags.FULL_REFRESH or var('test_scope') == 'all' or model.resource_type != 'test' or target.type == 'spark' -%}
        {%- do return(false) -%}
    {%- endif -%}
    {#- A relationships test can fail on an untouched row when a parent row
        goes (the dims are full rebuilds): always tested in full. -#}
    {%- if model.test_metadata is defined and model.test_metadata and model.test_metadata.name == 'relationships' -%}
        {%- do return(false) -%}
    {%- endif -%}
    {%- set runs = test_scope_relation('int_runs_completed') -%}
    {%- do return(adapter.get_relation(database=runs.database, schema=runs.schema, identifier=runs.identifier)
        is not none) -%}
{%- endmacro %}

{#- load_ids of the file versions loaded or superseded since the last
    completed run, for the staging views. Not int_loads_changed: tests on
    staging may run before this run rebuilds it, but always before this run
    writes int_runs_completed (downstream of every staging view). Staging
    reads neither the seed nor variables, so no fingerprint. -#}
{% macro test_scope_loads_changed() -%}
    select load_log.load_id
    from {{ test_scope_relation('base_raw__load_log') }} as load_log
    where
        load_log.status = 'loaded'
        and (
            load_log.load_id > (select coalesce(max(runs.max_load_id), 0) from {{ test_scope_relation('int_runs_completed') }} as runs)
            or load_log.superseded_by_load_id > (
                select coalesce(max(runs.max_load_id), 0) from {{ test_scope_relation('int_runs_completed') }} as runs
            )
        )
{%- endmacro %}

{#- The keys a data test compares rows by: none for a row-wise test, the
    columns of a uniqueness test, or none at all (other tests: never scoped). -#}
{% macro test_scope_test_keys() -%}
    {%- set test = model.test_metadata.name if model.test_metadata else none -%}
    {%- if test in ('not_null', 'accepted_values', 'expression_is_true') -%}
        {%- do return([]) -%}
    {%- elif test == 'unique' -%}
        {%- do return([model.column_name]) -%}
    {%- elif test == 'unique_combination_of_columns' -%}
        {%- do return(model.test_metadata.kwargs.combination_of_columns | list) -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}

{#- The select a data test on `relation` reads on a nightly run, or none for
    the whole relation. A scope holds every row the run wrote (or, for a
    staging model, every row whose value could have changed) and is closed
    under the keys of the uniqueness tests it is used for: a duplicate lies
    wholly inside or wholly outside it. Any other test is not scoped. -#}
{% macro test_scope_sql(relation) -%}
    {%- if not test_scope_is_touched() -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set keys = test_scope_test_keys() -%}
    {%- set name = relation.identifier -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ name) -%}
    {%- if keys is none or node is none or node.schema != relation.schema -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set scopes = {
        'int_messages_classified': ['message_id'],
        'int_messages_segmented': ['message_id'],
        'fct_messages': ['message_id'],
        'int_campaign_contacts_classified': ['campaign_id', 'contact_id'],
        'fct_campaign_contacts': ['campaign_id', 'contact_id'],
        'int_receipts_mapped': ['receipt_key'],
        'int_clicks_matched': ['click_key'],
        'stg_raw__receipts': [],
        'stg_raw__clicks': ['click_key'],
        'stg_raw__messages': ['message_id'],
    } -%}
    {%- if name not in scopes -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set pmid_keys = keys | sort == ['provider', 'provider_message_id'] -%}
    {%- if keys and keys | sort != scopes[name] | sort and not (name == 'stg_raw__messages' and pmid_keys) -%}
        {%- do return(none) -%}
    {%- endif -%}

    {%- if name in ('int_messages_classified', 'int_messages_segmented', 'fct_messages') -%}
        {%- do return('select * from ' ~ relation ~ ' where ' ~ in_touched_messages()) -%}
    {%- elif name in ('int_campaign_contacts_classified', 'fct_campaign_contacts') -%}
        {%- do return('select * from ' ~ relation ~ ' where ' ~ in_touched_campaign_contacts()) -%}
    {%- elif name == 'int_clicks_matched' -%}
        {%- do return('select * from ' ~ relation ~ ' where ' ~ in_touched_clicks()) -%}
    {%- elif name == 'int_receipts_mapped' -%}
        {#- in_touched_receipts_mapped() as two disjoint parts (semi joins
            instead of an OR of two mark joins over every receipt). -#}
        {%- set scoped -%}
            select * from {{ relation }} where {{ in_touched_messages() }}
            union all
            select * from {{ relation }}
            where
                coalesce(resolved_by, '') <> 'message_id'
                and {{ in_touched_provider_message_ids() }}
                and (message_id is null or not {{ in_touched_messages() }})
        {%- endset -%}
        {%- do return(scoped) -%}
    {%- elif name == 'stg_raw__receipts' -%}
        {#- No window: every row is one raw row; row-wise tests only. -#}
        {%- do return('select * from ' ~ relation ~ ' where _load_id in (' ~ test_scope_loads_changed() ~ ')') -%}
    {%- elif name == 'stg_raw__messages' -%}
        {#- The messages with a changed raw row; for the provider_message_id
            test, also the messages sharing a (provider, provider_message_id)
            with any raw row of those. Materialized: the planner otherwise
            semi-joins every raw row first. -#}
        {%- set filter -%}
            message_id in (
                with changed as materialized (
                    select messages.message_id
                    from {{ test_scope_relation('base_raw__messages') }} as messages
                    where messages._load_id in ({{ test_scope_loads_changed() }})
                )
                {%- if pmid_keys %},
                changed_provider_message_ids as materialized (
                    select distinct
                        messages.provider,
                        messages.provider_message_id
                    from {{ test_scope_relation('base_raw__messages') }} as messages
                    where messages.message_id in (select changed.message_id from changed)
                )
                select changed.message_id from changed
                union
                select messages.message_id
                from {{ test_scope_relation('base_raw__messages') }} as messages
                semi join changed_provider_message_ids as changed_ids
                    on
                        lower(messages.provider) = lower(changed_ids.provider)
                        and messages.provider_message_id = changed_ids.provider_message_id
                {%- else %}
                select changed.message_id from changed
                {%- endif %}
            )
        {%- endset -%}
        {%- do return('select * from ' ~ relation ~ ' where ' ~ filter) -%}
    {%- elif name == 'stg_raw__clicks' -%}
        {#- Whole dedupe groups: every click_id with a changed raw row, every
            click without click_id of a message with such a changed row. -#}
        {%- set filter -%}
            (
                click_id in (
                    with changed as materialized (
                        select clicks.click_id
                        from {{ test_scope_relation('base_raw__clicks') }} as clicks
                        where clicks.click_id is not null and clicks._load_id in ({{ test_scope_loads_changed() }})
                    )
                    select changed.click_id from changed
                )
                or (
                    click_id is null and message_id in (
                        with changed as materialized (
                            select clicks.message_id
                            from {{ test_scope_relation('base_raw__clicks') }} as clicks
                            where clicks.click_id is null and clicks._load_id in ({{ test_scope_loads_changed() }})
                        )
                        select changed.message_id from changed
                    )
                )
            )
        {%- endset -%}
        {%- do return('select * from ' ~ relation ~ ' where ' ~ filter) -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}
