{#- One row per loaded file version whose rows the nightly run must look at:
    loaded after the last completed run (load_id above its watermark), or
    superseded by a newer version of the path since then. On a full build,
    with no completed run yet, or when the seed or a variable the incremental
    models read changed (incremental_fingerprint), every load. -#}

-- depends_on: {{ ref('delivery_status_map') }}

{#- A full refresh first forgets the completed runs: should it fail, the
    tables it rebuilt hold rows no nightly test has passed, so the next run
    re-derives (and tests) every load (macros/test_scope.sql). -#}
{{ config(pre_hook="{{ forget_completed_runs() }}") }}

{%- set runs = adapter.get_relation(database=this.database, schema=this.schema, identifier='int_runs_completed')
    if execute else none %}

with

load_log as (
    select * from {{ ref('base_raw__load_log') }}
),

last_run as (
    select
        {% if runs is not none and not flags.FULL_REFRESH -%}
            coalesce(
                (
                    select max(runs.max_load_id)
                    from {{ runs }} as runs
                    where runs.fingerprint = {{ incremental_fingerprint() }}
                ),
                0
            )
        {%- else -%}
            0
        {%- endif %} as max_load_id
),

final as (
    select
        load_log.load_id,
        load_log.entity,
        load_log.path,
        load_log.superseded_by_load_id
    from load_log
    cross join last_run
    where
        load_log.status = 'loaded'
        and (
            load_log.load_id > last_run.max_load_id
            or load_log.superseded_by_load_id > last_run.max_load_id
        )
)

select * from final
