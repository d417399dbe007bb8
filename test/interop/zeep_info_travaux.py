#!/usr/bin/python3
"""Interoperability check of Interop'Fibre infoTravauxFTTH: Python zeep (strict) loads the project's
WSDL as the gateway serves it at /ws/interop/infoTravauxFTTH?wsdl, binds the InfoTravauxFTTHHeader
header from it, and calls getInfoTravauxFTTH over mutual TLS.

    /usr/bin/python3 test/interop/zeep_info_travaux.py --url https://localhost:8443 \
        --ca certs/dev/ca.crt --cert certs/dev/operators/OPA1.crt --key certs/dev/operators/OPA1.key \
        --supplier 300000007 --service-provider 100000009 [--published ../shared/interop/infoTravauxFTTH.wsdl]

With --published, also checks that zeep refuses the published WSDL, whose header part references
the header element without its namespace (the defect the project's WSDL corrects).
Prints one line per check, then "zeep: N passed, M failed"; exits 0 only when every check passed.
"""

import argparse
import os
import sys

try:
    import zeep
    from zeep.exceptions import Fault
except ImportError as error:  # pragma: no cover - reported by the caller
    print(f"zeep: cannot import zeep ({error}); install it with: apt-get update && apt-get install -y python3-zeep")
    sys.exit(2)

from zeep_harness import CheckFailed, Runner, expect, expect_equal, finish, mtls_transport  # noqa: E402

NS = "http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0"
SERVICE_PATH = "/ws/interop/infoTravauxFTTH"





def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--supplier", required=True, help="the provider's SIREN (supplierID)")
    parser.add_argument("--service-provider", required=True, help="the operator's SIREN (serviceProviderID)")
    parser.add_argument("--published", help="path of the published Interop'Fibre WSDL (reference copy)")
    args = parser.parse_args(argv)

    transport = mtls_transport(args.ca, args.cert, args.key)
    run = Runner()

    def load():
        client = zeep.Client(f"{args.url.rstrip('/')}{SERVICE_PATH}?wsdl", transport=transport, settings=zeep.Settings(strict=True))
        port = client.wsdl.services["getInfoTravauxFTTHService"].ports["getInfoTravauxFTTHPort"]
        op = port.binding._operations["getInfoTravauxFTTH"]
        expect(op.soapaction == "getInfoTravauxFTTH", f"soapAction {op.soapaction!r}")
        header_qnames = [el.qname.text for _, el in op.input.header.type.elements] if op.input.header else []
        expect(f"{{{NS}}}InfoTravauxFTTHHeader" in header_qnames, f"input soap:header not bound to the qualified element ({header_qnames})")
        return client

    client = run.check("WSDL loaded (strict), header bound to {ns}InfoTravauxFTTHHeader", load)

    def header(service_provider):
        element = client.get_element(f"{{{NS}}}InfoTravauxFTTHHeader")
        return [element(supplierID=args.supplier, serviceProviderID=service_provider)]

    def travaux_of(result):
        # zeep unwraps the one-child wrappers: listeTravaux, then its repeated travaux (a list).
        if result is None:
            return []
        if isinstance(result, list):
            return result
        return list(getattr(result, "travaux", None) or [])

    def call_all():
        works = travaux_of(client.service.getInfoTravauxFTTH(_soapheaders=header(args.service_provider)))
        references = sorted(t.reference for t in works)
        expect(references == ["DERCO-75056-0063-01", "TP-75056-0042-00", "TP-75056-0042-01"], f"references {references}")
        tp = next(t for t in works if t.reference == "TP-75056-0042-01")
        expect(tp.serviceProviderID == args.service_provider, f"serviceProviderID {tp.serviceProviderID!r}")
        expect(tp.type == "TP" and tp.equipementConcerne == "PM" and tp.referencePm == "PM-75056-0042", f"TP {tp}")
        expect(list(tp.referencePrestationPriseImpactees.prestation) == ["FI-1000-0001"], "impacted prestations")
        return ", ".join(references)

    def call_filtered():
        result = client.service.getInfoTravauxFTTH(type="DERCO", _soapheaders=header(args.service_provider))
        references = [t.reference for t in travaux_of(result)]
        expect(references == ["DERCO-75056-0063-01"], f"references {references}")

    def call_foreign():
        try:
            client.service.getInfoTravauxFTTH(_soapheaders=header("999999999"))
        except Fault as fault:
            detail = fault.detail
            code = detail.find(f"{{{NS}}}infoFtthError/codeRetour") if detail is not None else None
            expect(code is not None and code.text == "201", f"codeRetour {None if code is None else code.text}")
            return "infoFtthError codeRetour 201"
        raise CheckFailed("no fault for another operator's SIREN")

    if client is not None:
        run.check("getInfoTravauxFTTH: the FTTH works and faults of the caller", call_all)
        run.check("getInfoTravauxFTTH: criterion type DERCO", call_filtered)
        run.check("getInfoTravauxFTTH: another operator's SIREN is refused with infoFtthError", call_foreign)

    if args.published and os.path.exists(args.published):
        def published():
            try:
                zeep.Client(args.published, settings=zeep.Settings(strict=True))
            except Exception as error:  # the defect: the unqualified header reference resolves to nothing
                return f"{type(error).__name__}: {str(error)[:120]}"
            raise CheckFailed("zeep accepted the published WSDL")

        run.check("the published WSDL (unqualified header reference) is refused by zeep", published)

    return finish(run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
