// Object tagging: GetObjectTagging, PutObjectTagging, DeleteObjectTagging.
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply } from '../server/reply.js';
import { buildXml, childElements, childText, parseXmlBody } from '../server/xml.js';
import type { StringMap } from '../store/metadata.js';
import { bucketOf, keyOf } from './context.js';
import type { OperationSpec } from './operation.js';

const TAGGING_BODY_LIMIT = 64 * 1024;
export const MAX_OBJECT_TAGS = 10;

/** Checks a tag set against S3's limits (InvalidTag). */
export function validateTags(pairs: readonly (readonly [string, string])[]): StringMap {
  const tags: Record<string, string> = {};
  for (const [k, v] of pairs) {
    if (k === '' || k.length > 128)
      throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid');
    if (v.length > 256) throw new S3Error('InvalidTag', 'The TagValue you have provided is invalid');
    if (Object.hasOwn(tags, k))
      throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key');
    tags[k] = v;
  }
  if (pairs.length > MAX_OBJECT_TAGS)
    throw new S3Error('InvalidTag', 'Object tags cannot be greater than 10');
  return tags;
}

export const GetObjectTagging: OperationSpec = {
  async handle(call) {
    const tags = await call.services.metadata.getObjectTags(bucketOf(call).name, keyOf(call));
    return xmlReply(
      buildXml('Tagging', { TagSet: { Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } }),
    );
  },
};

export const PutObjectTagging: OperationSpec = {
  async handle(call) {
    const body = await readAll(call.body.stream, TAGGING_BODY_LIMIT, () => new S3Error('MalformedXML'));
    const root = parseXmlBody(body, 'Tagging');
    const [tagSet] = childElements(root, 'TagSet');
    if (tagSet === undefined) throw new S3Error('MalformedXML');
    const pairs = childElements(tagSet, 'Tag').map((t) => {
      const key = childText(t, 'Key');
      const value = childText(t, 'Value');
      if (key === undefined || value === undefined) throw new S3Error('MalformedXML');
      return [key, value] as const;
    });
    await call.services.metadata.putObjectTags(bucketOf(call).name, keyOf(call), validateTags(pairs));
    return emptyReply(200);
  },
};

export const DeleteObjectTagging: OperationSpec = {
  async handle(call) {
    await call.services.metadata.putObjectTags(bucketOf(call).name, keyOf(call), {});
    return emptyReply(204);
  },
};
