"""Old name of dnw.dream.export_dream, kept because people run `python -m dnw.export_dream` from older instructions."""

import runpy

if __name__ == "__main__":
    runpy.run_module("dnw.dream.export_dream", run_name="__main__", alter_sys=True)
