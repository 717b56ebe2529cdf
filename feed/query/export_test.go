package query_test

import "github.com/gazette-news/gazette/feed"

// bodyArticle is an article with no title and one paragraph of body.
func bodyArticle(body string) *feed.Article {
	return &feed.Article{Body: []feed.Block{{Kind: feed.Paragraph, Text: body}}}
}
