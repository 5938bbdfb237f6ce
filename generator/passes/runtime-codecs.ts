// Value codecs the runtime provides for RFC 5547 attributes, read from the runtime's public table
// (`fileAttributeCodecs`), so a codec added there is usable in the spec at once; a spec `codec`
// outside this list is a spec error.
import { fileAttributeCodecs, type FileAttributeCodecName } from '../../runtime/index.ts';

export const runtimeCodecs = (Object.keys(fileAttributeCodecs) as FileAttributeCodecName[]).sort();
export type RuntimeCodec = FileAttributeCodecName;
