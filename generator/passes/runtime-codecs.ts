// Value codecs the runtime provides for RFC 5547 attributes, read from the runtime's public table
// (`fileAttributeCodecs`), so a codec added there is usable in the spec at once; a spec `codec`
// outside this list is a spec error.
import { fileAttributeCodecs, type FileAttributeCodecName } from '../../runtime/index.ts';

export const runtimeCodecs = (Object.keys(fileAttributeCodecs) as FileAttributeCodecName[]).sort();
export type RuntimeCodec = FileAttributeCodecName;

// The runtime's RFC 5547 attribute table (runtime/sdp/file-attribute-table.ts): what the runtime
// writes and reads, which the spec's attribute definitions must match.
export { fileAttributeTable as runtimeAttributes, type FileAttributeEntry as RuntimeAttribute } from '../../runtime/index.ts';
