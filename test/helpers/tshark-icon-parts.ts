// The RFC 5547 §6 icon parts of the SIP messages in a capture, as tshark's own MIME multipart and
// image dissectors delimit them: for each multipart part marked Content-Disposition: icon, the bytes
// from where tshark's image dissector (png, jfif, gif, webp) starts to the end of the part.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parsePdml, walk, type PdmlNode } from './pdml.ts';
import { peerCommand } from './system-peer-lookup.ts';

const execFileAsync = promisify(execFile);
const imageProtos = new Set(['png', 'image-jfif', 'jfif', 'image-gif', 'gif', 'webp']);

export interface CapturedIconPart {
  readonly frame: number;
  /** tshark's name of the image dissector that recognised the bytes. */
  readonly dissector: string;
  readonly contentId: string | undefined;
  readonly bytes: Buffer;
}

export async function iconPartsInCapture(file: string, sipPorts: readonly number[], transport: 'udp' | 'tcp'): Promise<CapturedIconPart[]> {
  const decodeAs = sipPorts.flatMap((port) => ['-d', `${transport}.port==${port},sip`]);
  const { stdout } = await execFileAsync(peerCommand('tshark'), ['-r', file, '-n', ...decodeAs, '-Y', 'mime_multipart.header.content-disposition == "icon"', '-T', 'pdml'], { maxBuffer: 64 * 1024 * 1024 });
  const found: CapturedIconPart[] = [];
  for (const packet of parsePdml(stdout)) {
    const frame = Number([...walk(packet)].find(({ node }) => node.attrs['name'] === 'frame.number')?.node.attrs['show'] ?? 0);
    for (const { node } of walk(packet)) {
      if (node.attrs['name'] !== 'mime_multipart.part') continue;
      const fields = node.children.filter((c) => c.tag === 'field');
      const disposition = fields.find((f) => f.attrs['name'] === 'mime_multipart.header.content-disposition')?.attrs['show'];
      if (disposition?.trim().toLowerCase() !== 'icon') continue;
      const image = node.children.find((c: PdmlNode) => c.tag === 'proto' && imageProtos.has(c.attrs['name'] ?? ''));
      const part = Buffer.from(node.attrs['value'] ?? '', 'hex');
      const partPos = Number(node.attrs['pos']);
      if (image === undefined) {
        found.push({ frame, dissector: 'none', contentId: undefined, bytes: Buffer.alloc(0) });
        continue;
      }
      const start = Number(image.attrs['pos']) - partPos;
      found.push({
        frame,
        dissector: image.attrs['name'] ?? '',
        contentId: fields.find((f) => f.attrs['name'] === 'mime_multipart.header.content-id')?.attrs['show'],
        bytes: part.subarray(start, start + Number(image.attrs['size'])),
      });
    }
  }
  return found;
}
