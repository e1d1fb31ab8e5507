"""Hosting the workbench for many people: who is who (identity), who may see a run (policy: the one place every
tab and API endpoint asks), quotas, the fair queue order, and the public API.

Floors: settings, identity, policy, quotas and fair are engine code (no gradio); `api` is the Gradio glue (named
endpoints and the owner of a request) and sits with the UI on the surfaces floor.
"""
