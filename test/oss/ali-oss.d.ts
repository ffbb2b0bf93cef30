// The part of ali-oss (which ships no types) these tests use.
declare module 'ali-oss' {
  interface Res {
    status: number;
    headers: Record<string, string>;
  }
  interface ObjectInfo {
    name: string;
    etag: string;
    size: number;
    type?: string;
    lastModified: string;
  }
  interface ListResult {
    objects: ObjectInfo[];
    prefixes: string[] | null;
    nextMarker: string | null;
    isTruncated: boolean;
    nextContinuationToken?: string | null;
    keyCount?: number;
    res: Res;
  }
  namespace OSS {
    interface Options {
      endpoint: string;
      accessKeyId: string;
      accessKeySecret: string;
      region?: string;
      bucket?: string;
      secure?: boolean;
      cname?: boolean;
      sldEnable?: boolean;
      authorizationV4?: boolean;
      stsToken?: string;
      retryMax?: number;
      timeout?: number;
    }
  }
  class OSS {
    constructor(options: OSS.Options);
    useBucket(name: string): this;
    putBucket(name: string, options?: { acl?: string }): Promise<{ bucket: string | null; res: Res }>;
    deleteBucket(name: string): Promise<{ res: Res }>;
    listBuckets(
      query?: Record<string, string | number>,
    ): Promise<{ buckets: { name: string; region: string }[] | null; res: Res }>;
    getBucketInfo(name: string): Promise<{ bucket: { Name: string; Location: string }; res: Res }>;
    getBucketLocation(name: string): Promise<{ location: string; res: Res }>;
    getBucketACL(name: string): Promise<{ acl: string; res: Res }>;
    putBucketACL(name: string, acl: string): Promise<{ res: Res }>;
    putBucketPolicy(name: string, policy: object): Promise<{ status: number; res: Res }>;
    getBucketPolicy(name: string): Promise<{ policy: object | null; status: number; res: Res }>;
    deleteBucketPolicy(name: string): Promise<{ status: number; res: Res }>;
    put(
      name: string,
      file: Buffer,
      options?: { headers?: Record<string, string>; meta?: Record<string, string>; mime?: string },
    ): Promise<{ name: string; res: Res }>;
    get(name: string, options?: { headers?: Record<string, string> }): Promise<{ content: Buffer; res: Res }>;
    head(name: string): Promise<{ meta: Record<string, string> | null; res: Res; status: number }>;
    getObjectMeta(name: string): Promise<{ status: number; res: Res }>;
    delete(name: string): Promise<{ res: Res }>;
    deleteMulti(
      names: string[],
      options?: { quiet?: boolean },
    ): Promise<{ deleted: ({ Key: string } | string)[]; res: Res }>;
    copy(
      name: string,
      source: string,
      options?: { meta?: Record<string, string> },
    ): Promise<{ data: { etag: string; lastModified: string }; res: Res }>;
    append(
      name: string,
      file: Buffer,
      options?: { position?: string | number },
    ): Promise<{ nextAppendPosition: string; res: Res }>;
    list(query: Record<string, string | number> | null, options?: object): Promise<ListResult>;
    listV2(query: Record<string, string | number>, options?: object): Promise<ListResult>;
    multipartUpload(
      name: string,
      file: Buffer | string,
      options?: { partSize?: number; parallel?: number },
    ): Promise<{ name: string; etag: string; res: Res }>;
    initMultipartUpload(name: string): Promise<{ uploadId: string; res: Res }>;
    listParts(
      name: string,
      uploadId: string,
    ): Promise<{ parts: { PartNumber: string; ETag: string; Size: string }[]; res: Res }>;
    listUploads(
      query: Record<string, string | number>,
    ): Promise<{ uploads: { name: string; uploadId: string }[]; res: Res }>;
    abortMultipartUpload(name: string, uploadId: string): Promise<{ res: Res }>;
    uploadPart(
      name: string,
      uploadId: string,
      partNo: number,
      file: string,
      start: number,
      end: number,
    ): Promise<{ etag: string; res: Res }>;
    putACL(name: string, acl: string): Promise<{ res: Res }>;
    getACL(name: string): Promise<{ acl: string; res: Res }>;
    signatureUrl(name: string, options?: { expires?: number; method?: string }): string;
    putBucketReferer(name: string, allowEmpty: boolean, referers: string[] | null): Promise<{ res: Res }>;
    getBucketReferer(name: string): Promise<{ allowEmpty: boolean; referers: string[] | null; res: Res }>;
    deleteBucketReferer(name: string): Promise<{ res: Res }>;
    putBucketCORS(
      name: string,
      rules: {
        allowedOrigin: string | string[];
        allowedMethod: string | string[];
        allowedHeader?: string | string[];
        exposeHeader?: string | string[];
        maxAgeSeconds?: number;
      }[],
    ): Promise<{ res: Res }>;
    getBucketCORS(name: string): Promise<{ rules: Record<string, unknown>[]; res: Res }>;
    deleteBucketCORS(name: string): Promise<{ res: Res }>;
    calculatePostSignature(policy: object): { OSSAccessKeyId: string; Signature: string; policy: string };
    signPostObjectPolicyV4(policy: object, date: Date): string;
  }
  export = OSS;
}
