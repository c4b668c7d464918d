/**
 * A fault spec, clock value or control request the node refuses: HTTP 400 on the control API,
 * thrown as is (a TypeError) by the in-process methods.
 */
export class BadInput extends TypeError {}
