# What the Jupyter Docker Stacks image's own server configuration sets and a pod relies on: every
# address, no browser, bash in the terminals, and deletes that do not go to a trash folder (which
# would be on another volume than the notebooks).
c = get_config()  # noqa: F821 (Jupyter's config loader defines it)
c.ServerApp.ip = "0.0.0.0"
c.ServerApp.port = 8888
c.ServerApp.open_browser = False
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}
c.FileContentsManager.delete_to_trash = False
