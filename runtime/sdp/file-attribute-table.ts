// The runtime's table of RFC 5547 file attributes (§6) and the type of one file m-line's attribute
// values, derived from it. The table is the runtime's side of the contract with the spec: the
// generator checks spec/sdp-attributes.rules against it (a located `spec check` error for any
// attribute, part, codec or property that differs, or for an attribute the runtime produces or
// needs that the spec lacks), and the generated builders are type-checked against
// FileAttributesValue, so the two cannot drift apart unnoticed.
import type { CodecValue, FileAttributeCodecName } from './file-attribute-codecs.ts';

/** One `key:value` part of a selector attribute. */
export interface FileAttributePartEntry {
  readonly key: string;
  readonly codec: FileAttributeCodecName;
  readonly required: boolean;
}

interface EntryCommon {
  /** The property name in FileAttributesValue. */
  readonly property: string;
  /** Whether a file m-line without it is malformed. */
  readonly required: boolean;
  /** Whether the runtime writes it into SDP it sends: dropping it from the spec would drop it from the wire. */
  readonly produces: boolean;
  /** Whether the runtime reads it from SDP it receives. */
  readonly needs: boolean;
}

export type FileAttributeEntry =
  | (EntryCommon & { readonly kind: 'selector'; readonly parts: Readonly<Record<string, FileAttributePartEntry>> })
  | (EntryCommon & { readonly kind: 'value'; readonly codec: FileAttributeCodecName })
  | (EntryCommon & { readonly kind: 'flag'; readonly alternatives: readonly string[] });

export const fileAttributeTable = {
  'file-selector': {
    kind: 'selector',
    property: 'fileSelector',
    // RFC 5547 §6: every file m-line carries a selector; which parts it has is the offerer's choice
    // (a pull offer may name a file by its name alone), so no part is required.
    required: true,
    produces: true,
    needs: true,
    parts: {
      name: { key: 'name', codec: 'quoted-string', required: false },
      type: { key: 'type', codec: 'mime-type', required: false },
      size: { key: 'size', codec: 'integer', required: false },
      hash: { key: 'hash', codec: 'hash', required: false },
    },
  },
  'file-transfer-id': { kind: 'value', property: 'fileTransferId', codec: 'token', required: true, produces: true, needs: true },
  'file-disposition': { kind: 'value', property: 'fileDisposition', codec: 'token', required: false, produces: false, needs: false },
  'file-date': {
    kind: 'selector',
    property: 'fileDate',
    required: false,
    // The sender offers the file's modification time (runtime/transfer/file-offer.ts).
    produces: true,
    needs: false,
    parts: {
      creation: { key: 'creation', codec: 'date-time', required: false },
      modification: { key: 'modification', codec: 'date-time', required: false },
      read: { key: 'read', codec: 'date-time', required: false },
    },
  },
  'file-icon': { kind: 'value', property: 'fileIcon', codec: 'cid-url', required: false, produces: false, needs: false },
  // Resume (RFC 5547 §8.3): the sender offers a range, the receiver reads and answers it.
  'file-range': { kind: 'value', property: 'fileRange', codec: 'byte-range', required: false, produces: true, needs: true },
  direction: { kind: 'flag', property: 'direction', alternatives: ['sendonly', 'recvonly', 'sendrecv', 'inactive'], required: true, produces: true, needs: true },
} as const satisfies Readonly<Record<string, FileAttributeEntry>>;

export type FileAttributeTableName = keyof typeof fileAttributeTable;
type Table = typeof fileAttributeTable;

/** The attributes that may not be missing from the spec: the runtime writes or reads them. */
export type EssentialFileAttributeName = { [N in FileAttributeTableName]: Table[N]['produces'] extends true ? N : Table[N]['needs'] extends true ? N : never }[FileAttributeTableName];

type Flatten<T> = { [K in keyof T]: T[K] } & {};

type PartsValue<P> = Flatten<
  { -readonly [K in keyof P as P[K] extends { required: true } ? K : never]: P[K] extends { codec: infer C extends FileAttributeCodecName } ? CodecValue<C> : never } & {
    -readonly [K in keyof P as P[K] extends { required: true } ? never : K]?: P[K] extends { codec: infer C extends FileAttributeCodecName } ? CodecValue<C> : never;
  }
>;

type EntryValue<E> = E extends { kind: 'selector'; parts: infer P }
  ? PartsValue<P>
  : E extends { kind: 'value'; codec: infer C extends FileAttributeCodecName }
    ? CodecValue<C>
    : E extends { kind: 'flag'; alternatives: readonly [] }
      ? boolean
      : E extends { kind: 'flag'; alternatives: readonly (infer A)[] }
        ? A
        : never;

/** The RFC 5547 §6 attributes of one file m-line, one property per table entry. */
export type FileAttributesValue = Flatten<
  { -readonly [N in FileAttributeTableName as Table[N] extends { required: true } ? Table[N]['property'] : never]: EntryValue<Table[N]> } & {
    -readonly [N in FileAttributeTableName as Table[N] extends { required: true } ? never : Table[N]['property']]?: EntryValue<Table[N]>;
  }
>;

/** The file-selector value (RFC 5547 §5). */
export type FileSelectorValue = NonNullable<FileAttributesValue['fileSelector']>;

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameNestedKeys<A, B> = false extends { [K in keyof A & keyof B]-?: SameKeys<NonNullable<A[K]>, NonNullable<B[K]>> }[keyof A & keyof B] ? false : true;

/**
 * `true` when A and B have the same properties, each equally optional and of mutually assignable
 * types, one level of nesting deep (enough for selector parts); `false` otherwise. The generated
 * SDP module asserts `SameFileAttributeShape<FileAttributes, FileAttributesValue>` so that `tsc`
 * fails on generated code whose spec disagrees with this table.
 */
export type SameFileAttributeShape<A, B> = Mutual<A, B> extends true ? (SameKeys<A, B> extends true ? SameNestedKeys<A, B> : false) : false;

type EssentialProperty = Table[EssentialFileAttributeName]['property'];

/**
 * `true` when a spec-generated FileAttributes type `A` agrees with this table: it has every
 * attribute the runtime writes or reads, no attribute the table lacks, and the same shape for the
 * ones it has. Attributes the runtime only knows (neither writes nor reads) may be left out.
 * Otherwise a type that names the problem, so `tsc` says what is wrong on generated code.
 */
export type MatchesFileAttributeTable<A> = [Exclude<EssentialProperty, keyof A>] extends [never]
  ? [Exclude<keyof A, keyof FileAttributesValue>] extends [never]
    ? SameFileAttributeShape<A, Pick<FileAttributesValue, keyof A & keyof FileAttributesValue>> extends true
      ? true
      : { readonly shapeDiffersFromRuntimeTable: keyof A }
    : { readonly unknownToRuntimeTable: Exclude<keyof A, keyof FileAttributesValue> }
  : { readonly missingFromSpec: Exclude<EssentialProperty, keyof A> };
