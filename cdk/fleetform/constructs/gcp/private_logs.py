"""Where ``private_logs`` apps' logs go: a log bucket of their own instead of the project's ``_Default``.

fal's ``private_logs`` hides an app's logs from everyone but its owners. On GCP every runner writes
its container's output through Docker's ``gcplogs`` driver, labelled with the app's log name
(:func:`fleetform.runner.contract.gcp_log_filter`); private apps' names share the prefix
``/<platform>/private/``, and a sink matching that prefix
(:func:`fleetform.runner.contract.gcp_private_logs_filter`) routes their entries to the
bucket ``<platform>-private-logs`` (``global``, 30 days like ``_Default``), readable only by those
granted on the bucket (for example ``roles/logging.viewAccessor`` on its ``_AllLogs`` view), not by
project-wide log viewers. The sink writes to a bucket of the same project, which needs no grant
to its writer identity (https://cloud.google.com/logging/docs/export/configure_export_v2).

The same filter keeps the entries out of the ``_Default`` bucket: a project exclusion applies to the
``_Default`` sink, so project-wide log viewers never see them. Matching the prefix rather than listing the
apps keeps the filter short at any number of apps (a sink's filter holds at most 20,000 characters) and the
shared stack unchanged when a private app comes or goes.
"""

from __future__ import annotations

from fleetform.constructs.gcp.naming import private_log_bucket_id
from fleetform.runner.contract import gcp_private_logs_filter
from fleetform.tf import Construct, google

LOCATION = "global"
RETENTION_DAYS = 30


class PrivateLogs(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, platform: str, project: str) -> None:
        super().__init__(scope, construct_id)
        bucket_id = private_log_bucket_id(platform)
        bucket = google.LoggingProjectBucketConfig(
            self, "Bucket", project=project, location=LOCATION, bucket_id=bucket_id, retention_days=RETENTION_DAYS,
            description=f"Logs of {platform}'s private_logs apps")
        google.LoggingProjectSink(
            self, "Sink", name=bucket_id, project=project, filter=gcp_private_logs_filter(platform),
            destination=f"logging.googleapis.com/{bucket.name}", unique_writer_identity=True,
            description=f"Private logs of {platform}'s apps to {bucket_id}")
        google.LoggingProjectExclusion(
            self, "DefaultExclusion", name=bucket_id, project=project, filter=gcp_private_logs_filter(platform),
            description=f"Keeps {platform}'s private app logs out of _Default (they go to {bucket_id})")
