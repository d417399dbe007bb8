"""What the zeep interoperability scripts share: the checks runner, its assertions, the mTLS
transport (our private CA only) and the closing line "zeep: N passed, M failed"."""
import sys
import traceback


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def expect_equal(actual, expected, what):
    expect(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, fn):
        """Runs one check; returns its result, or None when it failed (and records the failure).
        A check returning a string gets it appended to its line, as the outcome."""
        try:
            result = fn()
        except CheckFailed as error:
            self.failed += 1
            print(f"FAIL {name}: {error}")
            return None
        except Exception as error:  # an unexpected zeep/transport error is a failure too
            self.failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")
            traceback.print_exc(file=sys.stdout)
            return None
        self.passed += 1
        print(f"ok   {name}" + (f" ({result})" if isinstance(result, str) else ""))
        return result


def mtls_transport(ca, cert, key):
    """A zeep transport over mutual TLS that trusts only `ca`."""
    import requests
    from zeep.transports import Transport

    session = requests.Session()
    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (environment) override session.verify when
    # trust_env is on, which would silently replace our private CA: use only what we pass here.
    session.trust_env = False
    session.verify = ca
    session.cert = (cert, key)
    return Transport(session=session, timeout=20, operation_timeout=20)


def finish(run):
    """Prints the closing line; exit code 0 only when checks ran and none failed."""
    print(f"zeep: {run.passed} passed, {run.failed} failed")
    return 0 if run.failed == 0 and run.passed > 0 else 1
