"""Getting raw pages: reading web archives and dumps, and crawling a site politely."""
