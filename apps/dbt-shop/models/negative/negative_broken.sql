{{ config(enabled=var('datapark_negative'), materialized='table') }}
-- A model that fails to build (division by zero at run time), enabled only by the var: the
-- per-model DAG's test proves it fails its own task and its downstream, and nothing else.
select 1 / 0 as id
