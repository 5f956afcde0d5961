-- B1, the baseline: the five marts (docs/RULES.md, Delivery status to Suppression) computed straight from the
-- landing files by one hand-written DuckDB script. No dbt, no Dagster, no raw
-- copy of the files, no tests: the physical limit for this logic on this machine.
--
-- bench/baseline.py replaces @landing(<entity>) by a query over every tabular
-- file of the entity (columns by name, all text, plus `filename`; see
-- bench/landing.py), @lines(<entity>) by the (line, filename) of its text files
-- and @seed(<name>) by the path of seeds/<name>.csv, then runs the statements in
-- order against a fresh DuckDB file.
--
-- Comparable work to the product, with simplifications (see bench/README.md):
-- required values, timestamps, numbers, message types and order statuses are
-- checked and bad rows dropped (not recorded); phone numbers are normalised to
-- E.164 by a regular-expression approximation (GB/DE/FR/IE/... country codes,
-- a length check) instead of libphonenumber; ties within one file are broken by
-- content, not by row number (DuckDB's CSV/JSON readers have no row number).
-- Variables are the defaults: attribution_window_hours 120, last_click,
-- hard_bounce_threshold 3, suppression_mode total, no pending expiry.

set TimeZone = 'UTC';

-- Row order inside a table is never relied on: let DuckDB write results in any order.
set preserve_insertion_order = false;

create schema if not exists marts;

-- ---------------------------------------------------------------- helpers

create or replace temp macro txt(x) as nullif(trim(cast(x as varchar)), '');

create or replace temp macro ts(x) as cast(try_cast(txt(x) as timestamptz) as timestamp);

-- A value is given but does not parse as a timestamp: the product rejects the row.
create or replace temp macro bad_ts(x) as (txt(x) is not null and ts(x) is null);

create or replace temp macro country_code(region) as (
    case region
        when 'GB' then '44' when 'DE' then '49' when 'FR' then '33' when 'IE' then '353'
        when 'US' then '1' when 'CA' then '1' when 'ES' then '34' when 'IT' then '39'
        when 'NL' then '31' when 'BE' then '32' when 'AT' then '43' when 'CH' then '41'
        else '44'
    end
);

create or replace temp macro phone_digits(p) as regexp_replace(trim(p), '[\s().\-/]', '', 'g');

-- E.164 from separator-free digits: +CC..., 00CC..., 0 + national number, or a bare national number.
create or replace temp macro e164(d, region) as (
    case
        when regexp_full_match(d, '\+[1-9][0-9]{7,14}') then d
        when regexp_full_match(d, '00[1-9][0-9]{7,14}') then '+' || substr(d, 3)
        when regexp_full_match(d, '0[1-9][0-9]{7,12}') then '+' || country_code(region) || substr(d, 2)
        when regexp_full_match(d, '[1-9][0-9]{7,12}') then '+' || country_code(region) || d
    end
);

-- SMS segments (docs/RULES.md, Segments): GSM-7 text 1 up to 160 septets else ceil(n/153), extension
-- characters count 2; other text UCS-2 1 up to 70 code units else ceil(n/67), non-BMP count 2.
create or replace temp macro gsm7_length(t) as
    length(t) + length(t) - length(regexp_replace(t, '[\f^{}\\\[~\]|€]', '', 'g'));

create or replace temp macro ucs2_length(t) as
    length(t) + length(t) - length(regexp_replace(t, '[\x{10000}-\x{10FFFF}]', '', 'g'));

create or replace temp macro sms_segments(t) as cast(
    case
        when t is null or t = '' then 1
        when regexp_full_match(
            t, '[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&''()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\f^{}\\\[~\]|€]*')
            then case when gsm7_length(t) <= 160 then 1 else ceil(gsm7_length(t) / 153.0) end
        when ucs2_length(t) <= 70 then 1
        else ceil(ucs2_length(t) / 67.0)
    end as integer
);

-- ------------------------------------------- versioned entities: latest version wins

create temp table accounts as
with src as (
    select
        txt(account_id) as account_id,
        upper(txt(currency)) as currency,
        upper(txt(default_region)) as default_region,
        lower(txt(hard_bounce_suppression)) as hard_bounce_suppression,
        try_cast(txt(attribution_window_hours) as integer) as attribution_window_hours,
        ts(updated_at) as updated_at,
        bad_ts(updated_at) as is_bad,
        filename
    from @landing(accounts)
)
select
    account_id,
    coalesce(currency, 'GBP') as currency,
    coalesce(default_region, 'GB') as default_region,
    coalesce(hard_bounce_suppression not in ('false', '0', 'no', 'f', 'n'), true) as hard_bounce_suppression,
    attribution_window_hours
from src
where account_id is not null and not is_bad
qualify row_number() over (partition by account_id order by updated_at desc nulls last, filename desc) = 1;

create temp table campaigns as
with src as (
    select
        txt(campaign_id) as campaign_id,
        txt(account_id) as account_id,
        txt(name) as campaign_name,
        upper(txt(message_type)) as message_type,
        txt(body) as body,
        ts(updated_at) as updated_at,
        bad_ts(updated_at) or bad_ts(created_at) as is_bad,
        filename
    from @landing(campaigns)
),
latest as (
    select *
    from src
    where
        campaign_id is not null and account_id is not null and campaign_name is not null
        and message_type in ('SMS', 'MMS') and not is_bad
    qualify row_number() over (partition by campaign_id order by updated_at desc nulls last, filename desc) = 1
)
select
    latest.campaign_id,
    latest.account_id,
    latest.campaign_name,
    latest.message_type,
    latest.body,
    sms_segments(latest.body) as body_segments,
    coalesce(accounts.currency, 'GBP') as currency
from latest
left join accounts on latest.account_id = accounts.account_id;

create temp table contacts as
with src as (
    select
        txt(contact_id) as contact_id,
        txt(account_id) as account_id,
        phone_digits(txt(phone_number)) as phone_digits,
        ts(updated_at) as updated_at,
        bad_ts(updated_at) or bad_ts(created_at) as is_bad,
        filename
    from @landing(contacts)
),
normalised as (
    select
        src.contact_id,
        src.account_id,
        e164(src.phone_digits, coalesce(accounts.default_region, 'GB')) as phone_number,
        src.updated_at,
        src.filename
    from src
    left join accounts on src.account_id = accounts.account_id
    where src.contact_id is not null and src.account_id is not null and not src.is_bad
)
select contact_id, account_id, phone_number
from normalised
where phone_number is not null
qualify row_number() over (partition by contact_id order by updated_at desc nulls last, filename desc) = 1;

-- The contact of a number in an account (the smallest contact_id when several share it).
create temp table contact_phones as
select account_id, phone_number, min(contact_id) as contact_id
from contacts
group by account_id, phone_number;

-- ------------------------------------------- events: a repeated id counts once (first file by path)

create temp table messages as
with src as (
    select
        txt(message_id) as message_id,
        txt(campaign_id) as campaign_id,
        txt(contact_id) as contact_id,
        ts(sent_at) as sent_at,
        txt(body) as body,
        txt(segments) as segments_text,
        try_cast(txt(segments) as integer) as segments,
        lower(txt(provider)) as provider,
        txt(provider_message_id) as provider_message_id,
        filename
    from @landing(messages)
)
select message_id, campaign_id, contact_id, sent_at, body, segments, provider, provider_message_id
from src
where
    message_id is not null and campaign_id is not null and contact_id is not null and sent_at is not null
    and (segments_text is null or segments is not null)
qualify row_number() over (partition by message_id order by filename, campaign_id, contact_id, sent_at) = 1;

create temp table clicks as
with src as (
    select
        txt(click_id) as click_id,
        txt(message_id) as message_id,
        txt(url) as url,
        ts(clicked_at) as clicked_at,
        filename
    from @landing(clicks)
),
distinct_clicks as (
    select *
    from src
    where message_id is not null and clicked_at is not null
    qualify row_number() over (
        partition by
            click_id,
            case when click_id is null then message_id end,
            case when click_id is null then clicked_at end,
            case when click_id is null then url end
        order by filename, message_id, clicked_at
    ) = 1
)
-- Clicks on messages not known (yet) wait for them; only known ones count.
select distinct_clicks.message_id, distinct_clicks.clicked_at, messages.campaign_id, messages.contact_id
from distinct_clicks
inner join messages on distinct_clicks.message_id = messages.message_id;

-- ------------------------------------------- receipts: docs/RULES.md, Delivery status

create temp table receipts_in as
with file_receipts as (
    select
        txt(message_id) as message_id,
        lower(txt(provider)) as provider,
        txt(provider_message_id) as provider_message_id,
        txt(status) as status,
        txt(error_code) as error_code,
        ts(event_at) as event_at,
        ts(received_at) as received_at,
        bad_ts(received_at) as is_bad,
        filename
    from @landing(receipts)
),
-- Materialized: each field is extracted once (an inlined CTE would repeat the regular
-- expressions in every expression that uses a field).
smpp_fields as materialized (
    select
        regexp_extract(head, '(?i)(?:^|\s)id:\s*(\S+)', 1) as provider_message_id,
        regexp_extract(head, '(?i)(?:^|\s)stat:\s*(\S+)', 1) as status,
        regexp_extract(head, '(?i)(?:^|\s)err:\s*(\S+)', 1) as error_code,
        regexp_extract(head, '(?i)(?:^|\s)done[\s_]*date:\s*(\S+)', 1) as done_date,
        filename
    from (
        -- `text:` runs to the end of the line: field-like words in it are not fields.
        select regexp_replace(line, '(?i)(^|\s)text:.*$', '') as head, filename
        from @lines(smpp_receipts)
        where trim(line) <> ''
    )
),
smpp_receipts as (
    select
        cast(null as varchar) as message_id,
        'smpp' as provider,
        nullif(provider_message_id, '') as provider_message_id,
        upper(nullif(status, '')) as status,
        nullif(error_code, '') as error_code,
        case length(done_date)
            when 10 then try_strptime(done_date, '%y%m%d%H%M')
            when 12 then try_strptime(done_date, '%y%m%d%H%M%S')
            when 14 then try_strptime(done_date, '%Y%m%d%H%M%S')
        end as event_at,
        cast(null as timestamp) as received_at,
        false as is_bad,
        filename
    from smpp_fields
)
select message_id, provider, provider_message_id, status, error_code, event_at, received_at, filename
from (select * from file_receipts union all select * from smpp_receipts)
where
    (message_id is not null or provider_message_id is not null)
    and provider is not null and status is not null and event_at is not null and not is_bad;

create temp table status_map as
select
    lower(provider) as provider,
    lower(provider_status) as provider_status,
    nullif(lower(trim(error_code)), '') as error_code,
    canonical_status,
    cast(is_final as boolean) as is_final
from read_csv(@seed(delivery_status_map), all_varchar = true, header = true);

create temp table receipts as
with provider_message_ids as (
    select provider, provider_message_id, min(message_id) as message_id
    from messages
    where provider is not null and provider_message_id is not null
    group by provider, provider_message_id
),
resolved as (
    select
        coalesce(receipts_in.message_id, provider_message_ids.message_id) as message_id,
        receipts_in.provider,
        receipts_in.status,
        receipts_in.error_code,
        receipts_in.event_at,
        receipts_in.received_at,
        receipts_in.filename
    from receipts_in
    left join provider_message_ids
        on
            receipts_in.message_id is null
            and receipts_in.provider = provider_message_ids.provider
            and receipts_in.provider_message_id = provider_message_ids.provider_message_id
),
-- Exact repeats (message, provider, status, error code, event time) count once.
distinct_receipts as (
    select *
    from resolved
    where message_id in (select message_id from messages)
    qualify row_number() over (
        partition by message_id, provider, status, error_code, event_at
        order by filename, received_at
    ) = 1
)
select
    distinct_receipts.message_id,
    coalesce(by_code.canonical_status, any_code.canonical_status, 'pending') as canonical_status,
    coalesce(by_code.is_final, any_code.is_final, false) as is_final,
    distinct_receipts.error_code,
    distinct_receipts.event_at,
    distinct_receipts.received_at,
    distinct_receipts.filename
from distinct_receipts
left join status_map as by_code
    on
        by_code.error_code is not null
        and lower(distinct_receipts.provider) = by_code.provider
        and lower(distinct_receipts.status) = by_code.provider_status
        and lower(trim(distinct_receipts.error_code)) = by_code.error_code
left join status_map as any_code
    on
        any_code.error_code is null
        and lower(distinct_receipts.provider) = any_code.provider
        and lower(distinct_receipts.status) = any_code.provider_status;

-- Per message: the earliest final receipt by event_at (ties: earlier received_at, then
-- delivered, hard_bounce, deleted, soft_bounce, not_sent); else pending as of the latest receipt.
create temp table message_statuses as
select
    message_id,
    arg_min(
        {'status': canonical_status, 'event_at': event_at, 'error_code': error_code},
        (
            event_at,
            coalesce(received_at, timestamp '9999-12-31'),
            case canonical_status
                when 'delivered' then 1 when 'hard_bounce' then 2 when 'deleted' then 3
                when 'soft_bounce' then 4 when 'not_sent' then 5
            end,
            filename
        )
    ) filter (where is_final) as final_receipt,
    max(event_at) as latest_event_at
from receipts
group by message_id;

-- ------------------------------------------- marts

create table marts.fct_messages as
with clicks_per_message as (
    select message_id, count(*) as clicks
    from clicks
    group by message_id
)
select
    messages.message_id,
    messages.campaign_id,
    campaigns.account_id,
    messages.contact_id,
    campaigns.message_type,
    messages.sent_at,
    coalesce(message_statuses.final_receipt.status, 'pending') as delivery_status,
    case
        when message_statuses.final_receipt is not null then message_statuses.final_receipt.event_at
        else message_statuses.latest_event_at
    end as status_at,
    message_statuses.final_receipt.error_code as error_code,
    case
        when messages.segments is not null then messages.segments
        when campaigns.message_type = 'MMS' then 1
        when messages.body is not null then sms_segments(messages.body)
        when campaigns.body is not null then campaigns.body_segments
        else 1
    end as segments,
    coalesce(clicks_per_message.clicks, 0) as clicks
from messages
left join message_statuses on messages.message_id = message_statuses.message_id
left join campaigns on messages.campaign_id = campaigns.campaign_id
left join clicks_per_message on messages.message_id = clicks_per_message.message_id;

-- Per contact in a campaign: the best of delivered > pending > soft_bounce > hard_bounce > deleted
-- over the messages that are not not_sent; not_sent when all are.
create table marts.fct_campaign_contacts as
with ranked as (
    select
        campaign_id,
        contact_id,
        any_value(account_id) as account_id,
        min(
            case delivery_status
                when 'delivered' then 1 when 'pending' then 2 when 'soft_bounce' then 3
                when 'hard_bounce' then 4 when 'deleted' then 5
            end
        ) as best,
        count(*) as messages,
        sum(clicks) as clicks
    from marts.fct_messages
    group by campaign_id, contact_id
)
select
    campaign_id,
    contact_id,
    account_id,
    case best
        when 1 then 'delivered' when 2 then 'pending' when 3 then 'soft_bounce'
        when 4 then 'hard_bounce' when 5 then 'deleted' else 'not_sent'
    end as delivery_status,
    messages,
    cast(clicks as bigint) as clicks
from ranked;

-- ------------------------------------------- orders and attribution: docs/RULES.md, Revenue attribution

create temp table orders as
with src as (
    select
        txt(order_id) as order_id,
        txt(account_id) as account_id,
        txt(contact_id) as contact_id,
        phone_digits(txt(phone_number)) as phone_digits,
        ts(ordered_at) as ordered_at,
        try_cast(txt(revenue) as decimal(18, 2)) as revenue,
        upper(txt(currency)) as currency,
        coalesce(lower(txt(status)), 'completed') as status,
        ts(updated_at) as updated_at,
        bad_ts(updated_at) as is_bad,
        filename
    from @landing(orders)
),
normalised as (
    select
        src.*,
        e164(src.phone_digits, coalesce(accounts.default_region, 'GB')) as phone_number
    from src
    left join accounts on src.account_id = accounts.account_id
    where
        src.order_id is not null and src.account_id is not null and src.ordered_at is not null
        and src.revenue >= 0 and src.status in ('completed', 'cancelled', 'refunded') and not src.is_bad
        and (src.contact_id is not null or src.phone_digits is not null)
)
select order_id, account_id, contact_id, phone_number, ordered_at, revenue, currency, status
from normalised
where phone_digits is null or phone_number is not null
qualify row_number() over (partition by order_id order by updated_at desc nulls last, filename desc) = 1;

create temp table attributable_orders as
select
    orders.order_id,
    orders.account_id,
    coalesce(orders.contact_id, contact_phones.contact_id) as contact_id,
    orders.ordered_at,
    orders.revenue,
    orders.ordered_at - to_hours(coalesce(accounts.attribution_window_hours, 120)) as window_starts_at
from orders
left join accounts on orders.account_id = accounts.account_id
left join contact_phones
    on
        orders.contact_id is null
        and orders.account_id = contact_phones.account_id
        and orders.phone_number = contact_phones.phone_number
where
    orders.status = 'completed'
    and coalesce(orders.currency, accounts.currency, 'GBP') = coalesce(accounts.currency, 'GBP')
    and coalesce(orders.contact_id, contact_phones.contact_id) is not null;

create table marts.fct_order_attribution as
with touches as (
    select
        attributable_orders.order_id,
        clicks.campaign_id,
        max(clicks.clicked_at) as last_click_at
    from attributable_orders
    inner join clicks
        on
            attributable_orders.contact_id = clicks.contact_id
            and clicks.clicked_at >= attributable_orders.window_starts_at
            and clicks.clicked_at <= attributable_orders.ordered_at
    group by attributable_orders.order_id, clicks.campaign_id
),
ranked as (
    select
        *,
        row_number() over (partition by order_id order by last_click_at desc, campaign_id desc) as direct_rank,
        count(*) over (partition by order_id) as campaigns_touched
    from touches
)
select
    attributable_orders.order_id,
    attributable_orders.account_id,
    attributable_orders.contact_id,
    ranked.campaign_id,
    attributable_orders.ordered_at,
    attributable_orders.revenue,
    ranked.direct_rank = 1 as is_direct,
    cast(case when ranked.direct_rank = 1 then attributable_orders.revenue else 0 end as decimal(18, 2))
        as direct_revenue,
    cast(case when ranked.direct_rank = 1 then 0 else attributable_orders.revenue end as decimal(18, 2))
        as assisted_revenue,
    -- revenue / campaigns, rounded half-up to the cent, exactly (in integer cents)
    cast(
        cast(
            (cast(attributable_orders.revenue * 100 as hugeint) * 2 + ranked.campaigns_touched)
            // (2 * cast(ranked.campaigns_touched as hugeint)) as decimal(38, 0)
        ) * cast(0.01 as decimal(3, 2)) as decimal(18, 2)
    ) as linear_revenue,
    ranked.last_click_at
from ranked
inner join attributable_orders on ranked.order_id = attributable_orders.order_id;

-- Unsubscribes: repeats (account, contact, time) count once; credited to the last campaign
-- sent to the contact (not not_sent) at or before, ties to the greater campaign_id.
create temp table unsubscribes as
with src as (
    select
        txt(account_id) as account_id,
        txt(contact_id) as contact_id,
        phone_digits(txt(phone_number)) as phone_digits,
        ts(unsubscribed_at) as unsubscribed_at,
        filename
    from @landing(unsubscribes)
),
normalised as (
    select
        src.*,
        e164(src.phone_digits, coalesce(accounts.default_region, 'GB')) as phone_number
    from src
    left join accounts on src.account_id = accounts.account_id
    where
        src.account_id is not null and src.unsubscribed_at is not null
        and (src.contact_id is not null or src.phone_digits is not null)
),
matched as (
    select
        normalised.account_id,
        coalesce(normalised.contact_id, contact_phones.contact_id) as contact_id,
        normalised.phone_number,
        normalised.unsubscribed_at,
        normalised.filename
    from normalised
    left join contact_phones
        on
            normalised.contact_id is null
            and normalised.account_id = contact_phones.account_id
            and normalised.phone_number = contact_phones.phone_number
    where normalised.phone_digits is null or normalised.phone_number is not null
)
select account_id, contact_id, unsubscribed_at
from matched
qualify row_number() over (
    partition by account_id, contact_id, case when contact_id is null then phone_number end, unsubscribed_at
    order by filename
) = 1;

create temp table unsubscribes_credited as
select
    unsubscribes.account_id,
    unsubscribes.contact_id,
    unsubscribes.unsubscribed_at,
    arg_max(
        fct_messages.campaign_id,
        (fct_messages.sent_at, fct_messages.campaign_id, fct_messages.message_id)
    ) as campaign_id
from unsubscribes
inner join marts.fct_messages
    on
        unsubscribes.contact_id = fct_messages.contact_id
        and fct_messages.sent_at <= unsubscribes.unsubscribed_at
        and fct_messages.delivery_status <> 'not_sent'
group by unsubscribes.account_id, unsubscribes.contact_id, unsubscribes.unsubscribed_at;

-- ------------------------------------------- campaign overview: docs/RULES.md, Campaign overview

create table marts.fct_campaign_overview as
with message_counts as (
    select
        campaign_id,
        max(sent_at) as last_sent_at,
        count_if(delivery_status <> 'not_sent') as messages_sent,
        count_if(delivery_status = 'delivered') as messages_delivered,
        sum(segments) filter (where delivery_status <> 'not_sent') as total_segments
    from marts.fct_messages
    group by campaign_id
),
contact_counts as (
    select
        campaign_id,
        count_if(delivery_status <> 'not_sent') as unique_sends,
        count_if(delivery_status = 'delivered') as unique_deliveries,
        count_if(delivery_status = 'pending') as pending,
        count_if(delivery_status = 'soft_bounce') as soft_bounces,
        count_if(delivery_status = 'hard_bounce') as hard_bounces,
        count_if(delivery_status = 'deleted') as deleted,
        sum(clicks) as total_clicks,
        count_if(clicks > 0) as unique_clicks
    from marts.fct_campaign_contacts
    group by campaign_id
),
attribution as (
    select
        campaign_id,
        count_if(is_direct) as direct_orders,
        sum(direct_revenue) as direct_revenue,
        count_if(not is_direct) as assisted_orders,
        sum(assisted_revenue) as assisted_revenue
    from marts.fct_order_attribution
    group by campaign_id
),
unsubscribe_counts as (
    select campaign_id, count(*) as unsubscribes
    from unsubscribes_credited
    group by campaign_id
)
select
    campaigns.campaign_id,
    campaigns.account_id,
    campaigns.campaign_name,
    campaigns.message_type,
    message_counts.last_sent_at,
    coalesce(message_counts.messages_sent, 0) as messages_sent,
    coalesce(message_counts.messages_delivered, 0) as messages_delivered,
    cast(coalesce(message_counts.total_segments, 0) as bigint) as total_segments,
    coalesce(contact_counts.unique_sends, 0) as unique_sends,
    coalesce(contact_counts.unique_deliveries, 0) as unique_deliveries,
    coalesce(contact_counts.pending, 0) as pending,
    coalesce(contact_counts.soft_bounces, 0) as soft_bounces,
    coalesce(contact_counts.hard_bounces, 0) as hard_bounces,
    coalesce(contact_counts.deleted, 0) as deleted,
    cast(coalesce(contact_counts.total_clicks, 0) as bigint) as total_clicks,
    coalesce(contact_counts.unique_clicks, 0) as unique_clicks,
    cast(coalesce(contact_counts.unique_clicks, 0) as double) / nullif(contact_counts.unique_deliveries, 0)
        as click_to_delivered_rate,
    coalesce(attribution.direct_orders, 0) as direct_orders,
    cast(coalesce(attribution.direct_revenue, 0) as decimal(18, 2)) as direct_revenue,
    coalesce(attribution.assisted_orders, 0) as assisted_orders,
    cast(coalesce(attribution.assisted_revenue, 0) as decimal(18, 2)) as assisted_revenue,
    cast(coalesce(attribution.direct_orders, 0) as double) / nullif(contact_counts.unique_deliveries, 0)
        as conversion_rate,
    coalesce(unsubscribe_counts.unsubscribes, 0) as unsubscribes,
    campaigns.currency
from campaigns
left join message_counts on campaigns.campaign_id = message_counts.campaign_id
left join contact_counts on campaigns.campaign_id = contact_counts.campaign_id
left join attribution on campaigns.campaign_id = attribution.campaign_id
left join unsubscribe_counts on campaigns.campaign_id = unsubscribe_counts.campaign_id;

-- ------------------------------------------- suppression: docs/RULES.md, Suppression, total mode, threshold 3

create table marts.contact_suppressions as
with bounced_messages as (
    select *
    from marts.fct_messages
    where contact_id in (select contact_id from marts.fct_messages where delivery_status = 'hard_bounce')
),
per_contact as (
    select
        contact_id,
        count_if(delivery_status = 'hard_bounce') as hard_bounce_count,
        max((sent_at, message_id)) filter (where delivery_status = 'delivered') as last_delivered,
        (list(status_at order by status_at nulls last, message_id)
            filter (where delivery_status = 'hard_bounce'))[3] as threshold_reached_at,
        arg_max(campaign_id, (sent_at, message_id)) as last_campaign_id
    from bounced_messages
    group by contact_id
),
-- The current streak: hard bounces after the contact's last delivered message in send order.
streaks as (
    select
        bounced_messages.contact_id,
        count_if(
            bounced_messages.delivery_status = 'hard_bounce'
            and (
                per_contact.last_delivered is null
                or (bounced_messages.sent_at, bounced_messages.message_id) > per_contact.last_delivered
            )
        ) as consecutive_hard_bounces
    from bounced_messages
    inner join per_contact on bounced_messages.contact_id = per_contact.contact_id
    group by bounced_messages.contact_id
),
decided as (
    select
        per_contact.contact_id,
        coalesce(contacts.account_id, campaigns.account_id) as account_id,
        per_contact.hard_bounce_count,
        streaks.consecutive_hard_bounces,
        per_contact.threshold_reached_at,
        per_contact.threshold_reached_at is not null
        and coalesce(accounts.hard_bounce_suppression, true) as is_suppressed
    from per_contact
    inner join streaks on per_contact.contact_id = streaks.contact_id
    left join contacts on per_contact.contact_id = contacts.contact_id
    left join campaigns on per_contact.last_campaign_id = campaigns.campaign_id
    left join accounts on coalesce(contacts.account_id, campaigns.account_id) = accounts.account_id
)
select
    contact_id,
    account_id,
    hard_bounce_count,
    consecutive_hard_bounces,
    threshold_reached_at,
    is_suppressed,
    case when is_suppressed then threshold_reached_at end as suppressed_at
from decided;

checkpoint;
