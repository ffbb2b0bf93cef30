// Every part of a multipart upload, in number order: the store hands them out in pages.
import type { MetadataStore, PartRecord } from './metadata.js';

export async function listAllParts(
  metadata: MetadataStore,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<PartRecord[]> {
  const parts: PartRecord[] = [];
  let marker: number | undefined;
  for (;;) {
    const page = await metadata.listParts(bucket, key, uploadId, {
      maxParts: 1000,
      ...(marker !== undefined ? { partNumberMarker: marker } : {}),
    });
    parts.push(...page.parts);
    if (!page.isTruncated || page.nextPartNumberMarker === null) return parts;
    marker = page.nextPartNumberMarker;
  }
}
