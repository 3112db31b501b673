{#- The events' payloads are JSON written by producers, fuzzed on purpose by the generator:
    a field that does not parse becomes NULL instead of failing the whole model. -#}
{% macro safe_uuid(expr) -%}
  case when ({{ expr }}) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
       then ({{ expr }})::uuid end
{%- endmacro %}

{% macro safe_numeric(expr) -%}
  case when ({{ expr }}) ~ '^-?[0-9]{1,10}(\.[0-9]{1,4})?$' then ({{ expr }})::numeric(12, 2) end
{%- endmacro %}
