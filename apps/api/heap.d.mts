export declare const DEFAULT_HEAP_MB: number;
export declare function heapArgs(env?: Record<string, string | undefined>): string[];
