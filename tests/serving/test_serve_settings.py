"""Does each setting of `mentor-course serve` reach the Voilà configuration it stands for?"""

from __future__ import annotations

from pathlib import Path

from widgets.serving.settings import (
    DATA_ENV,
    ROOT_ENV,
    TEMPLATE_NAME,
    WIDGET_EXTENSIONS,
    ServeSettings,
    stock_settings,
    voila_config,
)


def make(**changes) -> ServeSettings:
    return ServeSettings(course_root=Path("/srv/course"), data_dir=Path("/srv/data"), **changes)


def test_voila_config_defaults_are_hardened():
    """Sources stripped, tracebacks hidden, culling on, only widget extensions, the course template."""
    cfg = voila_config(make())
    assert cfg["Voila"]["ip"] == "127.0.0.1"
    assert cfg["Voila"]["open_browser"] is False
    assert cfg["Voila"]["root_dir"] == "/srv/course/modules"
    assert cfg["Voila"]["config_file_paths"] == []
    conf = cfg["VoilaConfiguration"]
    assert conf["strip_sources"] is True
    assert conf["show_tracebacks"] is False
    assert conf["extension_allowlist"] == list(WIDGET_EXTENSIONS)
    assert conf["template"] == TEMPLATE_NAME
    assert conf["allow_template_override"] == "NO"
    assert conf["preheat_kernel"] is True and conf["default_pool_size"] == 1
    assert cfg["MappingKernelManager"]["cull_idle_timeout"] == 600
    assert cfg["MappingKernelManager"]["cull_connected"] is False
    assert cfg["VoilaKernelManager"]["fill_delay"] == 0.1
    assert cfg["VoilaKernelManager"]["preheat_denylist"] == ["live/"]


def test_voila_config_pool_size_zero_turns_preheating_off():
    conf = voila_config(make(pool_size=0))["VoilaConfiguration"]
    assert conf["preheat_kernel"] is False
    assert conf["default_pool_size"] == 0


def test_voila_config_without_course_template_uses_voila_lab():
    assert "template" not in voila_config(make(course_template=False))["VoilaConfiguration"]


def test_stock_settings_turn_every_tuning_off():
    s = stock_settings(make())
    assert (s.pool_size, s.cull_idle_timeout, s.xsrf_cookie, s.tcp_nodelay, s.immutable_cache,
            s.course_template, s.extension_allowlist) == (0, 0, False, False, False, False, ())
    assert s.fill_delay == 1.0
    # what is not a tuning but a safety default stays
    assert s.strip_sources is True and s.show_tracebacks is False


def test_kernel_env_names_data_folder_and_course_root():
    env = make(extra_env={"X": "1"}).kernel_env()
    assert env == {"X": "1", DATA_ENV: "/srv/data", ROOT_ENV: "/srv/course", "VOILA_APP_IP": "127.0.0.1"}


def test_kernel_env_tells_preheated_kernels_where_the_app_listens():
    assert make(host="0.0.0.0").kernel_env()["VOILA_APP_IP"] == "127.0.0.1"
    assert make(host="10.1.2.3").kernel_env()["VOILA_APP_IP"] == "10.1.2.3"
