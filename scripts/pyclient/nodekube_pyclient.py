# A pytest plugin of ours for the Python client's e2e suite (scripts/python-client-e2e.sh).
#
# The suite's files import `kubernetes.e2e_test.base`, a package the Debian python3-kubernetes
# does not ship; this registers the fetched suite folder under that name before collection, so
# the suite runs unmodified from outside the repo.
import importlib.util
import os
import sys

import kubernetes


def _register_suite(folder):
    spec = importlib.util.spec_from_file_location(
        'kubernetes.e2e_test', os.path.join(folder, '__init__.py'),
        submodule_search_locations=[folder])
    module = importlib.util.module_from_spec(spec)
    sys.modules['kubernetes.e2e_test'] = module
    spec.loader.exec_module(module)
    kubernetes.e2e_test = module


_register_suite(os.environ['NODEKUBE_PYCLIENT_SUITE'])


def _plain_http_configuration():
    # base.py sets assert_hostname=False for every host; urllib3 1.26 passes it on to a plain
    # HTTPConnection, which has no such argument. Our test apiserver speaks plain http on
    # loopback, where there is no hostname to assert: drop the setting there only.
    base = importlib.import_module('kubernetes.e2e_test.base')
    original = base.get_e2e_configuration

    def get_e2e_configuration():
        config = original()
        if config.host.startswith('http://'):
            config.assert_hostname = None
        return config

    base.get_e2e_configuration = get_e2e_configuration


_plain_http_configuration()
