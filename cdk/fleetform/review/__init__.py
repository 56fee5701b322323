"""``fleetform review``: a pull request's change in fal's terms, its risks and cost, for one PR comment.

``domain`` diffs two plans, ``terraform_plan`` reads ``terraform show -json`` plans, ``risks`` finds
what a reviewer must see, ``policy`` rates it, and ``markdown`` / ``json_report`` render the ``report``.
"""
