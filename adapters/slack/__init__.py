"""Slack front end: Bolt listeners that translate, acknowledge and render; nothing about the roadmap.

`app.build_app` wires a `exit_coach.service.Coach` to a Bolt `App`; `server` serves it
over HTTP, `cli` runs it (`coach slack`, Socket Mode by default).
"""
