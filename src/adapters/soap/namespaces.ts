// Namespaces of the SOAP envelope and of the contract's common types.
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const COMMON_NS = 'urn:esav:commun:v1';
