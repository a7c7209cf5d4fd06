// Types of js-copy.mjs (plain JavaScript: it runs before anything loads Node's type stripper).
export declare const SRC: string;
export declare const CACHE: string;
export declare function javascriptCopy(entry: URL, options?: { src?: string; cache?: string; fallback?: string }): URL;
