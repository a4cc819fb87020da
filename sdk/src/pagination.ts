/** One page of a list, as the SDK returns it. */
export interface Page<T> {
  data: T[];
  hasMore: boolean;
  /** Pass as `cursor` for the next page; null on the last (and on a page-style list, which has none). */
  nextCursor: string | null;
  /**
   * The query of the next page when the list answered page style (`links.next`, `page` and
   * `page_size`) without a cursor while `has_more` is true; the SDK follows it itself.
   */
  nextQuery?: Record<string, string> | undefined;
}

/** Where the next page is: a cursor (cursor style), or the query of `links.next` (page style). */
export type NextPage = { cursor: string } | { query: Record<string, string> };

/** The way on from a page: its cursor, else (page style, more to come) its next link's query. */
export function nextOf<T>(page: Page<T>): NextPage | undefined {
  if (page.nextCursor) return { cursor: page.nextCursor };
  if (page.hasMore && page.nextQuery && page.data.length > 0) return { query: page.nextQuery };
  return undefined;
}

/**
 * What `list()` returns: await it for the first page, or iterate it with `for await` to walk every
 * item of every page (cursor style: `limit` per page, `next_cursor` followed until it is null; a
 * list that answers page style only is walked by its `links.next` while `has_more` holds).
 */
export class PageRequest<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private first: Promise<Page<T>> | undefined;

  constructor(
    private readonly fetchPage: (next: NextPage | undefined) => Promise<Page<T>>,
    private readonly startCursor?: string,
  ) {}

  private firstPage(): Promise<Page<T>> {
    this.first ??= this.fetchPage(this.startCursor ? { cursor: this.startCursor } : undefined);
    return this.first;
  }

  // biome-ignore lint/suspicious/noThenProperty: a list is awaitable for its first page on purpose
  then<A = Page<T>, B = never>(
    onfulfilled?: ((value: Page<T>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.firstPage().then(onfulfilled, onrejected);
  }

  /** Every page, one after another. */
  async *pages(): AsyncGenerator<Page<T>> {
    let page = await this.firstPage();
    for (;;) {
      yield page;
      const next = nextOf(page);
      if (!next) return;
      page = await this.fetchPage(next);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item of every page in one array (mind the size of the list). */
  async toArray(max = Number.POSITIVE_INFINITY): Promise<T[]> {
    const all: T[] = [];
    for await (const item of this) {
      if (all.length >= max) break;
      all.push(item);
    }
    return all;
  }
}
