"""deploy/kubernetes/values.yaml, checked for structure and against the one-machine hub it mirrors.

The Zero to JupyterHub chart (and its values.schema.json) cannot be had here: the chart comes from its own
Helm repository, and no PyPI or npm package ships the schema (checked: no package named for
zero-to-jupyterhub, z2jh or the chart in either registry's index). So ``helm lint`` / schema validation is
not done; instead these tests check that every key used is one the chart documents (a fixed list below,
from the chart's configuration reference), and that the values agree with deploy/jupyterhub: the same
roles, the same landing page, the same single-user config folder, the measured memory within the limits.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

VALUES = REPO / "deploy" / "kubernetes" / "values.yaml"
DOCKERFILE = REPO / "deploy" / "kubernetes" / "Dockerfile"
HUB_CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
#: Resident memory of one active mentor's server measured by tests/hub/test_hub.py (deploy/jupyterhub/README.md).
MEASURED_MIB = 243

#: The chart's keys this file may use, section by section (Zero to JupyterHub's configuration reference).
#: A key outside these is a typo or an option of another chart version: Helm would ignore it silently
#: where the chart's schema is not enforced, so it fails here.
CHART_KEYS: dict[str, set[str]] = {
    "": {"hub", "proxy", "singleuser", "cull", "scheduling", "prePuller", "ingress", "debug", "rbac",
         "imagePullSecret", "imagePullSecrets", "global", "custom", "fullnameOverride", "nameOverride"},
    "hub": {"config", "loadRoles", "db", "extraEnv", "extraConfig", "image", "services", "cookieSecret",
            "concurrentSpawnLimit", "activeServerLimit", "resources", "networkPolicy", "extraVolumes",
            "extraVolumeMounts", "templatePaths", "templateVars", "baseUrl", "allowNamedServers"},
    "hub.db": {"type", "url", "password", "upgrade", "pvc"},
    "proxy": {"service", "https", "chp", "secretToken", "traefik"},
    "proxy.service": {"type", "nodePorts", "loadBalancerIP", "annotations", "labels", "extraPorts"},
    "singleuser": {"image", "defaultUrl", "extraEnv", "lifecycleHooks", "storage", "memory", "cpu", "cmd",
                   "profileList", "networkPolicy", "uid", "fsGid", "startTimeout", "extraFiles",
                   "initContainers", "extraContainers", "serviceAccountName", "allowPrivilegeEscalation"},
    "singleuser.image": {"name", "tag", "pullPolicy", "pullSecrets"},
    "singleuser.storage": {"type", "capacity", "homeMountPath", "dynamic", "static", "extraVolumes",
                           "extraVolumeMounts", "extraLabels", "deleteClaimOnUserDelete"},
    "singleuser.memory": {"guarantee", "limit"},
    "singleuser.cpu": {"guarantee", "limit"},
    "cull": {"enabled", "timeout", "every", "users", "adminUsers", "removeNamedServers", "concurrency", "maxAge"},
    "scheduling": {"userScheduler", "podPriority", "userPlaceholder", "userPods", "corePods"},
}


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def _section(values: dict, path: str) -> dict:
    node = values
    for part in filter(None, path.split(".")):
        node = node[part]
    return node


def _mib(quantity: str) -> float:
    """A Kubernetes memory quantity (``256M``, ``1Gi``) in MiB; a malformed one fails with its text."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?", str(quantity))
    assert match, f"{VALUES.name}: memory quantity {quantity!r} is not a Kubernetes quantity"
    factor = {None: 1 / 2**20, "Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "K": 1e3 / 2**20, "M": 1e6 / 2**20,
              "G": 1e9 / 2**20}[match.group(2)]
    return float(match.group(1)) * factor


def test_values_use_only_the_charts_keys(values: dict) -> None:
    for path, allowed in CHART_KEYS.items():
        section = _section(values, path) if path else values
        unknown = set(section) - allowed
        assert not unknown, f"{VALUES.name}: {path or 'top level'} has keys the chart does not document: {unknown}"


def test_values_give_each_mentor_measured_room_and_culling(values: dict) -> None:
    single = values["singleuser"]
    assert _mib(single["memory"]["guarantee"]) >= MEASURED_MIB, "the guarantee is below one mentor's measured memory"
    assert _mib(single["memory"]["limit"]) >= 2 * MEASURED_MIB, "no room for JupyterLab beside a module page"
    assert 0 < float(single["cpu"]["guarantee"]) <= float(single["cpu"]["limit"])
    assert single["storage"]["type"] == "dynamic" and single["storage"]["homeMountPath"] == "/home/jovyan"
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600


def test_values_mirror_the_one_machine_hub(values: dict, monkeypatch, tmp_path: Path) -> None:
    pytest.importorskip("jupyterhub", reason="JupyterHub is not installed: pip install -e '.[hub]'")
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("MENTOR_HUB_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("MENTOR_HUB_EXCHANGE_DIR", str(tmp_path / "exchange"))
    config = PyFileConfigLoader(HUB_CONFIG.name, path=str(HUB_CONFIG.parent)).load_config()
    roles = {r["name"]: {"scopes": r["scopes"], "groups": r["groups"]}
             for r in config.JupyterHub.load_roles if r["name"] in ("mentor", "trainer", "facilitator")}
    in_values = {name: {"scopes": r["scopes"], "groups": r["groups"]} for name, r in values["hub"]["loadRoles"].items()}
    assert in_values == roles
    single = values["singleuser"]
    assert single["defaultUrl"] == config.Spawner.default_url
    # The image holds the repository at /srv/mentor-course; the single-user config folder must be in it.
    assert "COPY . /srv/mentor-course" in DOCKERFILE.read_text(encoding="utf-8")
    config_path = single["extraEnv"]["JUPYTER_CONFIG_PATH"]
    assert config_path.startswith("/srv/mentor-course/")
    folder = REPO / config_path.removeprefix("/srv/mentor-course/")
    assert {"jupyter_server_config.py", "voila.py", "nbgrader_config.py"} <= {p.name for p in folder.iterdir()}
    assert single["extraEnv"]["MENTOR_COURSE_ROOMS_URL"].startswith("postgresql")
    # nbgrader's exchange: one volume every server mounts where nbgrader_config.py looks for it.
    exchange = single["extraEnv"]["MENTOR_COURSE_EXCHANGE"]
    assert any(m["mountPath"] == exchange for m in single["storage"]["extraVolumeMounts"])
    mounted = {m["name"] for m in single["storage"]["extraVolumeMounts"]}
    assert mounted <= {v["name"] for v in single["storage"]["extraVolumes"]}
