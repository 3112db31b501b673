{{ config(enabled=var('datapark_negative'), materialized='ephemeral') }}
-- A deliberately broken fixture, built only by bin/test-negative.sh: a duplicate key that its
-- unique test must catch, so the test target proves a failing test fails `dbt build`.
select 1 as id union all select 1
