{{ config(enabled=var('datapark_negative'), materialized='view') }}
-- Built on the broken model: in the per-model DAG it must never run (upstream failed).
select id from {{ ref('negative_broken') }}
