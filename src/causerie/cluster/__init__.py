"""Running as several nodes: heartbeats, who holds which session, sessions of lost nodes, resync."""

from causerie.cluster.node import ClusterNode

__all__ = ["ClusterNode"]
