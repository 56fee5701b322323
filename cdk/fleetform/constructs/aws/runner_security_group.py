"""A group's runner security group: traffic in from its load balancer only, out to what a runner pulls.

In: the app ports (one per runner slot of the group's biggest host, ``plan.packing``: app port + k)
and the health-probe port (the runner agent's bridge for POST health checks), from the load
balancer's security group and nothing else; no SSH (shell access is Session Manager's).
Out: HTTPS to anywhere (image registries, Secrets Manager, CloudWatch, ECR and S3 for layers),
HTTP to anywhere (the OS package mirrors the boot script installs the NFS client from), a
private registry's own port when its host names one, and NFS to the ``/data`` volume when the app
mounts it. The instance metadata service, the VPC's DNS resolver and its time server are
link-local and not filtered by security groups.

One group per app (not one per region) so the load balancer reaches each app only on its own
ports, and only apps with ``data_mounts`` reach the volume. The rules that open the load
balancer's and the volume's groups towards these runners live here too, with the app.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fleetform.constructs.aws.data_volume import NFS_PORT, DataVolumeAccess
from fleetform.constructs.aws.load_balancer import ANYWHERE_IPV4, LoadBalancerAccess
from fleetform.constructs.aws.names import runner_security_group_prefix
from fleetform.constructs.aws.tags import group_tags
from fleetform.plan.model import GroupPlan, ImagePlan
from fleetform.tf import Construct, aws

HTTPS_PORT = 443
HTTP_PORT = 80


def registry_ports(image: ImagePlan) -> list[int]:
    """Ports other than 80/443 that the registries a runner pulls from name (``registry.example.com:5000``)."""
    hosts = [login.host for login in image.runtime_registries]
    if image.reference is not None and "/" in image.reference:
        hosts.append(image.reference.split("/", 1)[0])
    ports = {urlsplit(host if "//" in host else f"//{host}").port for host in hosts}
    return sorted(port for port in ports if port is not None and port not in (HTTP_PORT, HTTPS_PORT))


def traffic_port_ranges(group: GroupPlan) -> list[tuple[int, int]]:
    """(first, last) ports the load balancer reaches: every runner slot's app port, and the probe port."""
    slots = group.packing.max_runners_per_host
    ranges = {(group.runner.port, group.runner.port + slots - 1)}
    if not group.runner.port <= group.health.probe_port < group.runner.port + slots:
        ranges.add((group.health.probe_port, group.health.probe_port))
    return sorted(ranges)


class RunnerSecurityGroup(Construct):
    """The group's security group (``security_group_id``) and every rule between it and its peers."""

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, group: GroupPlan, vpc_id: str,
                 load_balancer: LoadBalancerAccess, data_volume: DataVolumeAccess | None) -> None:
        super().__init__(scope, construct_id)
        security_group = aws.SecurityGroup(
            self, "SecurityGroup",
            name_prefix=runner_security_group_prefix(platform, group.app),
            description=f"fleetform runners of {group.app}: in from the load balancer only",
            vpc_id=vpc_id,
            tags=group_tags(group),
            lifecycle={"create_before_destroy": True},
        )
        self.security_group_id: str = security_group.id
        traffic_ports = traffic_port_ranges(group)
        for first, last in traffic_ports:
            aws.VpcSecurityGroupIngressRule(
                self, f"LoadBalancerIngress-{first}",
                security_group_id=self.security_group_id,
                description=f"port {first} from the load balancer" if first == last else
                f"ports {first}-{last} from the load balancer",
                ip_protocol="tcp", from_port=first, to_port=last,
                referenced_security_group_id=load_balancer.security_group_id,
            )
        load_balancer.allow_to_runners(self, runner_security_group_id=self.security_group_id, ports=traffic_ports)
        for port, purpose in [(HTTPS_PORT, "HTTPS: registries and AWS APIs"), (HTTP_PORT, "HTTP: OS packages"),
                              *((port, "a private registry") for port in registry_ports(group.image))]:
            aws.VpcSecurityGroupEgressRule(
                self, f"Egress-{port}",
                security_group_id=self.security_group_id,
                description=purpose,
                ip_protocol="tcp", from_port=port, to_port=port,
                cidr_ipv4=ANYWHERE_IPV4,
            )
        if data_volume is not None:
            aws.VpcSecurityGroupEgressRule(
                self, "DataVolumeEgress",
                security_group_id=self.security_group_id,
                description="NFS to the /data volume",
                ip_protocol="tcp", from_port=NFS_PORT, to_port=NFS_PORT,
                referenced_security_group_id=data_volume.security_group_id,
            )
            data_volume.allow_client(self, app=group.app, runner_security_group_id=self.security_group_id)
