"""The catalog: fal's machine types, the cloud instance types behind them, regions, zones and prices.

- :mod:`.machines`: fal's machine-type names (current and legacy) and ``aws:``/``gcp:`` instance names.
- :mod:`.shapes`: the instance type for one machine type × GPU count × cloud.
- :mod:`.resolve`: a ``machine_type`` fallback list + ``num_gpus`` on one cloud, with zones per region.
- :mod:`.regions`: fal region → cloud region defaults, zones (AWS by AZ ID) and offerings.
- :mod:`.prices`: on-demand $/hour with source and date.
- :mod:`.refresh`: rebuilding the data files in ``data/`` from the clouds' APIs.
"""
