export declare const DEFAULT_HEAP_MB: number;
export declare const YOUNG_SEMI_SPACE_MB: number;
export declare function heapArgs(env?: Record<string, string | undefined>): string[];
