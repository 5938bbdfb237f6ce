// A small extension table for the RFC 5547 `type:` selector part; anything unknown is sent as
// application/octet-stream, which every receiver accepts.

const byExtension: Readonly<Record<string, string>> = {
  txt: 'text/plain', csv: 'text/csv', html: 'text/html', htm: 'text/html', xml: 'application/xml', json: 'application/json',
  vcf: 'text/vcard', ics: 'text/calendar', md: 'text/markdown',
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', bmp: 'image/bmp', webp: 'image/webp',
  heic: 'image/heic', svg: 'image/svg+xml', tif: 'image/tiff', tiff: 'image/tiff',
  mp3: 'audio/mpeg', m4a: 'audio/mp4', amr: 'audio/amr', ogg: 'audio/ogg', wav: 'audio/wav', aac: 'audio/aac',
  mp4: 'video/mp4', '3gp': 'video/3gpp', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska', avi: 'video/x-msvideo',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tar: 'application/x-tar', '7z': 'application/x-7z-compressed',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text', apk: 'application/vnd.android.package-archive',
};

export const defaultMimeType = 'application/octet-stream';

export function guessMimeType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || dot === fileName.length - 1) return defaultMimeType;
  return byExtension[fileName.slice(dot + 1).toLowerCase()] ?? defaultMimeType;
}
