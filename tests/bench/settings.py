"""The production settings, for the benchmark server and its set-up.

Everything comes from `config.settings.production` (DEBUG off, cached
templates, pooled database connections, WhiteNoise with the manifest
storage, the full middleware stack). The one difference: the collected
static files go to a folder of the benchmark's own (BENCH_STATIC_ROOT), so a
run never touches the checkout's `staticfiles/`.
"""

from config.settings.env import env_str
from config.settings.production import *  # noqa: F403

STATIC_ROOT = env_str("BENCH_STATIC_ROOT", required=True)
