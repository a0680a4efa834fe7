# Phrases found from the GIN indexes alone (PostgreSQL): each entry's search vectors also
# hold the pairs of lexemes that stand next to each other in its text ("labour market"
# as one lexeme, with a space no parsed lexeme has), and a phrase of adjacent words is
# asked as its pairs. Before, every entry holding the words was read to check their
# positions (a common phrase at 100k entries: ~250 ms; now ~25 ms).

from django.db import migrations

from unumn.migration_operations import VendorSQL

# A tsvector's positions stop at 16383: the last ones are all that number, so no pair
# is taken from there; nor a pair longer than a lexeme may be (2,047 bytes: two long
# addresses side by side), which a phrase of them then finds as before.
WITH_PAIRS = """
CREATE OR REPLACE FUNCTION unumn_with_pairs(v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH words AS (SELECT lexeme, unnest(positions) AS pos FROM unnest(v))
  SELECT v || coalesce(array_to_tsvector(array(
    SELECT DISTINCT a.lexeme || ' ' || b.lexeme
    FROM words a JOIN words b ON b.pos = a.pos + 1
    WHERE a.pos < 16382 AND octet_length(a.lexeme) + octet_length(b.lexeme) < 2047
  )), ''::tsvector)
$$
"""
# A phrase whose words are all adjacent once parsed: two words are exactly their pair;
# more are their pairs (from the index) and the phrase (checked on those few entries
# only). A phrase with a stop word inside ("right to work": 'right' <2> 'work') or of
# one word is asked as before.
PHRASE = """
CREATE OR REPLACE FUNCTION unumn_phrase(config regconfig, phrase text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH words AS (
    SELECT lexeme, unnest(positions) AS pos FROM unnest(to_tsvector(config, phrase))
  ), pairs AS (
    SELECT a.lexeme || ' ' || b.lexeme AS pair FROM words a JOIN words b ON b.pos = a.pos + 1
    WHERE octet_length(a.lexeme) + octet_length(b.lexeme) < 2047
  )
  SELECT CASE
    WHEN (SELECT count(*) FROM words) < 2
      OR (SELECT count(*) FROM pairs) <> (SELECT count(*) FROM words) - 1
      THEN phraseto_tsquery(config, phrase)
    WHEN (SELECT count(*) FROM words) = 2
      THEN (SELECT quote_literal(pair)::tsquery FROM pairs)
    ELSE (SELECT string_agg(quote_literal(pair), ' & ')::tsquery FROM pairs)
         && phraseto_tsquery(config, phrase)
  END
$$
"""
VECTORS = ("vector", "names_vector", "title_vector")
ADD_PAIRS = "UPDATE unumn_entrysearch SET " + ", ".join(
    f"{column} = unumn_with_pairs({column})" for column in VECTORS
)
REMOVE_PAIRS = "UPDATE unumn_entrysearch SET " + ", ".join(
    f"{column} = ts_delete({column}, "
    f"array(SELECT lexeme FROM unnest({column}) WHERE lexeme LIKE '% %'))"
    for column in VECTORS
)


class Migration(migrations.Migration):
    dependencies = [
        ("unumn", "0023_entry_reported_on"),
    ]

    operations = [
        VendorSQL(
            "postgresql",
            sql=[WITH_PAIRS, PHRASE, ADD_PAIRS],
            reverse_sql=[
                REMOVE_PAIRS,
                "DROP FUNCTION unumn_phrase(regconfig, text)",
                "DROP FUNCTION unumn_with_pairs(tsvector)",
            ],
        )
    ]
