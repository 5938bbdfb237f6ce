// One `a=` line: `a=name:value` or the property form `a=name` (value null), RFC 4566 §5.13.
export interface SdpAttribute {
  name: string;
  value: string | null;
}
