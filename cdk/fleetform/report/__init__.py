"""How commands show what they found: an app's resolved settings (``validate``) and its groups (``explain``).

Presentation only: every value comes from the spec's resolved apps and the plan.
"""
