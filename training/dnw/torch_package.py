"""Old name of dnw.dream.torch_package, kept because people run `python -m dnw.torch_package` from older instructions."""

import runpy

if __name__ == "__main__":
    runpy.run_module("dnw.dream.torch_package", run_name="__main__", alter_sys=True)
