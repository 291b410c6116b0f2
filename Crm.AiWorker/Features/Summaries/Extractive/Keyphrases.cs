namespace Crm.AiWorker.Features.Summaries.Extractive;

/// <summary>
/// TextRank keyword extraction (Mihalcea and Tarau, 2004, section 3): candidate words are vertices, linked when
/// they occur within a small window of each other; the best-ranked words that sit next to each other in the text
/// are merged into phrases ("security review", "annual contract").
/// </summary>
public static class Keyphrases
{
    public const int DefaultWindow = 3;

    /// <summary>The top <paramref name="count"/> phrases of the text, best first, in lowercase.</summary>
    public static IReadOnlyList<string> Extract(string text, int count = 5, int window = DefaultWindow) =>
        Extract(SentenceSplitter.Split(text), count, window);

    /// <summary>As <see cref="Extract(string, int, int)"/>; co-occurrence windows do not cross sentences.</summary>
    public static IReadOnlyList<string> Extract(IReadOnlyList<string> sentences, int count = 5, int window = DefaultWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        if (count <= 0)
        {
            return [];
        }
        var tokenized = sentences.Select(TextTerms.Tokenize).ToList();
        var vertices = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in tokenized.SelectMany(t => t).Where(IsCandidate))
        {
            vertices.TryAdd(token.Term, vertices.Count);
        }
        if (vertices.Count == 0)
        {
            return [];
        }

        // The paper's window runs over the candidate words (the text after its syntactic filter), within a sentence.
        var weights = new double[vertices.Count, vertices.Count];
        foreach (var candidates in tokenized.Select(t => t.Where(IsCandidate).Select(c => vertices[c.Term]).ToList()))
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                for (var j = i + 1; j < Math.Min(i + window, candidates.Count); j++)
                {
                    if (candidates[i] != candidates[j])
                    {
                        weights[candidates[i], candidates[j]] += 1;
                        weights[candidates[j], candidates[i]] += 1;
                    }
                }
            }
        }
        var scores = TextRank.PageRank(weights);

        // As in the paper, a third of the vertices (at least the phrases asked for) are keywords.
        var keywordCount = Math.Max(count, (vertices.Count + 2) / 3);
        var keywords = TextRank.OrderByScore(scores).Take(keywordCount).ToHashSet();

        var phrases = new Dictionary<string, Phrase>(StringComparer.Ordinal);
        var order = 0;
        for (var s = 0; s < sentences.Count; s++)
        {
            foreach (var run in KeywordRuns(sentences[s], tokenized[s], t => IsCandidate(t) && keywords.Contains(vertices[t.Term])))
            {
                var key = string.Join(' ', run.Select(t => t.Term));
                var text = string.Join(' ', run.Select(t => t.Text.ToLowerInvariant()));
                var score = run.Sum(t => scores[vertices[t.Term]]);
                if (!phrases.TryGetValue(key, out var phrase))
                {
                    phrases[key] = new Phrase(text, [.. run.Select(t => t.Term)], score, order++);
                }
            }
        }

        // Best first; a phrase whose words all belong to a better phrase adds nothing ("review" after "legal review").
        var chosen = new List<Phrase>();
        foreach (var phrase in phrases.Values.OrderByDescending(p => p.Score).ThenBy(p => p.FirstSeen))
        {
            if (!chosen.Any(c => phrase.Terms.IsSubsetOf(c.Terms)))
            {
                chosen.Add(phrase);
            }
            if (chosen.Count == count)
            {
                break;
            }
        }
        return chosen.Select(p => p.Text).ToList();
    }

    private static bool IsCandidate(Token token) =>
        !token.IsNumber && token.Text.Length > 1 && !TextTerms.IsStopword(token.Text);

    // Maximal runs of keywords that are adjacent in the text: only spaces between them, no punctuation.
    private static IEnumerable<List<Token>> KeywordRuns(string sentence, IReadOnlyList<Token> tokens, Func<Token, bool> isKeyword)
    {
        var run = new List<Token>();
        foreach (var token in tokens)
        {
            if (!isKeyword(token))
            {
                if (run.Count > 0)
                {
                    yield return run;
                    run = [];
                }
                continue;
            }
            if (run.Count > 0 && !string.IsNullOrWhiteSpace(sentence[run[^1].End..token.Start]))
            {
                yield return run;
                run = [];
            }
            run.Add(token);
        }
        if (run.Count > 0)
        {
            yield return run;
        }
    }

    private sealed record Phrase(string Text, HashSet<string> Terms, double Score, int FirstSeen);
}
