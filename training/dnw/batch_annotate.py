"""Old name of dnw.package.batch_annotate, kept because people run `python -m dnw.batch_annotate` from older instructions."""

import runpy

if __name__ == "__main__":
    runpy.run_module("dnw.package.batch_annotate", run_name="__main__", alter_sys=True)
