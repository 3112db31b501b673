"""Runs the sample notebooks headless and checks what they would commit: used by
``npx nx run notebooks:execute -- NAME`` and by the tests."""
