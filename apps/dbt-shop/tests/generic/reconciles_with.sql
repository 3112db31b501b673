{#- Reconciliation: the sum of a model's column equals the sum of an expression over another
    relation (e.g. a mart against `source`) filtered by `filter` (not `where`: that is dbt's own
    test config and would filter the model), within a tolerance. Fails with one row naming both
    totals when they differ. -#}
{% test reconciles_with(model, column_name, to, expression, filter='true', tolerance=0) %}
with ours as (
    select coalesce(sum({{ column_name }}), 0) as total from {{ model }}
),
theirs as (
    select coalesce(sum({{ expression }}), 0) as total from {{ to }} where {{ filter }}
)
select ours.total as model_total, theirs.total as expected_total
from ours cross join theirs
where abs(ours.total - theirs.total) > {{ tolerance }}
{% endtest %}
