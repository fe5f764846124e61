import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config):
    config.addinivalue_line("markers", "heavy: a large input (100 000 rows, 30 MB, zip bomb), run through one command")
