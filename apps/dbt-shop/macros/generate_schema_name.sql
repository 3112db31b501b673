{#- Every model lands in the `analytics` schema itself (not dbt's default "<target>_<custom>"):
    the `dbt` role may create objects there and nowhere else. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
