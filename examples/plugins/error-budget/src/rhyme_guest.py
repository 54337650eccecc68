"""Python's habits, made safe in Rhyme's sandbox.

build.sh makes the component with `componentize-py --stub-wasi`: it imports no WASI at all,
only the Rhyme interfaces of its world, and every WASI call the interpreter would make traps.
The interpreter and every module imported at the top of the plugin's modules are snapshotted
at build time, so that is fine for computing, but three habits would crash the call:

- `print` (stdout, stderr): routed to the host log instead, when the plugin imports `log`;
- an `import` run for the first time inside a handler: it would look for files; it fails with
  an ImportError saying to import the module at the top instead;
- an uncaught exception: the traceback printer reads source files; the handler returns an
  error naming the exception and the lines it passed through instead.

Each handler is wrapped with `@handler`. Wall-clock time is not available either: use the
timestamps of the data, or the `clock` capability.
"""

import functools
import importlib.abc
import importlib.machinery
import io
import sys

from componentize_py_types import Err

_log = None


def route_output_to_log(write, level_out, level_err):
    """Send what `print` writes (stdout, stderr) to the host log: `write(level, text)`."""
    global _log
    _log = (write, level_out, level_err)


class _LineWriter(io.TextIOBase):
    def __init__(self, emit):
        self._emit, self._pending = emit, ""

    def writable(self):
        return True

    def write(self, text):
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._emit(line)
        return len(text)

    def flush(self):
        if self._pending:
            self._emit(self._pending)
            self._pending = ""


class _NoLoadingAtRunTime(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        raise ModuleNotFoundError(
            f"module `{name}` was not imported when the plugin was built, and the sandbox has no "
            f"files to load it from: import it at the top of a module",
            name=name,
        )


def _settle():
    """Run once per call (each call is a fresh instance of the build-time snapshot)."""
    if _log is not None:
        write, out, err = _log
        sys.stdout = _LineWriter(lambda line: write(out, line))
        sys.stderr = _LineWriter(lambda line: write(err, line))
    else:
        sys.stdout = sys.stderr = _LineWriter(lambda line: None)
    finders = [f for f in sys.meta_path if f is not importlib.machinery.PathFinder]
    sys.meta_path[:] = finders + [_NoLoadingAtRunTime()]


def handler(method):
    """Wrap a handler: safe `print` and imports, and exceptions returned as the call's error."""

    @functools.wraps(method)
    def wrapped(*args, **kwargs):
        _settle()
        try:
            return method(*args, **kwargs)
        except Err:
            raise
        except Exception as e:  # the plugin's own bug: report it, do not trap
            raise Err(describe(e)) from None
        finally:
            sys.stdout.flush()
            sys.stderr.flush()

    return wrapped


def describe(error):
    """`Type: message (at file:line in function, ...)`, without reading source files."""
    frames = []
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        frames.append(f"{code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno} in {code.co_name}")
        tb = tb.tb_next
    where = f" (at {' <- '.join(reversed(frames[1:]))})" if len(frames) > 1 else ""
    return f"{type(error).__name__}: {error}{where}"
