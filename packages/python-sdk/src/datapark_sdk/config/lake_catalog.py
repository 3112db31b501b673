"""The Spark settings of the lake's Iceberg catalog, as @datapark/config's lakeSparkConf makes them."""

from __future__ import annotations

from types import MappingProxyType

from .load_config import DataparkConfig, missing_secret

#: The catalog's name in Spark (``lake.silver.orders``), and the PostgreSQL role and schema of
#: Iceberg's JDBC catalog (its tables ``iceberg_tables`` and ``iceberg_namespace_properties``).
LAKE_CATALOG = MappingProxyType({"name": "lake", "role": "iceberg", "schema": "iceberg"})

#: Spark's default redaction pattern misses Iceberg's ``s3.access-key-id``; conf keys this matches
#: show as ``*********(redacted)`` in the UI, the event log and the history server.
LAKE_REDACTION_REGEX = "(?i)secret|password|token|access[.-]?key"


def lake_spark_conf(config: DataparkConfig) -> MappingProxyType[str, str]:
    """The Spark session settings of the lake's catalog: a JDBC catalog in PostgreSQL (role and
    schema ``iceberg``), the tables' files in the object store through Iceberg's S3FileIO.

    They hold the catalog password and the store's keys: set them on the job's own session, never
    in spark-defaults.conf or a submission's properties.

    >>> builder = SparkSession.builder.appName("lake")
    >>> for key, value in lake_spark_conf(load_config()).items():
    ...     builder = builder.config(key, value)
    >>> builder.getOrCreate().table("lake.gold.daily_sales")

    Raises :class:`ConfigError` naming the key and the fix when a password or key is missing.
    """
    if not config.lake.catalog_password:
        raise missing_secret(config, "lake.catalogPassword")
    access_key_id, secret_access_key = config.s3_keys()
    pg = config.postgres
    prefix = f"spark.sql.catalog.{LAKE_CATALOG['name']}"
    return MappingProxyType(
        {
            "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
            "spark.redaction.regex": LAKE_REDACTION_REGEX,
            prefix: "org.apache.iceberg.spark.SparkCatalog",
            f"{prefix}.type": "jdbc",
            f"{prefix}.uri": f"jdbc:postgresql://{pg.host}:{pg.port}/{pg.database}"
            f"?currentSchema={LAKE_CATALOG['schema']}",
            f"{prefix}.jdbc.user": LAKE_CATALOG["role"],
            f"{prefix}.jdbc.password": config.lake.catalog_password,
            f"{prefix}.jdbc.schema-version": "V1",
            f"{prefix}.warehouse": config.lake.warehouse,
            f"{prefix}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
            f"{prefix}.s3.endpoint": config.s3.url,
            f"{prefix}.s3.path-style-access": "true",
            f"{prefix}.s3.access-key-id": access_key_id,
            f"{prefix}.s3.secret-access-key": secret_access_key,
            f"{prefix}.client.region": config.s3.region,
        }
    )


def s3a_spark_conf(config: DataparkConfig) -> MappingProxyType[str, str]:
    """The Spark session settings of Hadoop's S3A FileSystem for the object store, for what Spark
    writes through Hadoop rather than through Iceberg's S3FileIO: a streaming query's checkpoint
    at ``s3a://bucket/path`` (jobs/kafka_bronze.py). Path-style requests to the store's endpoint,
    signed with the store's keys; the jars (hadoop-aws and two AWS SDK modules) are in
    tools/jars/spark/pom.xml.

    Like :func:`lake_spark_conf` they hold the store's keys: set them on the job's own session;
    the widened ``spark.redaction.regex`` hides ``fs.s3a.access.key`` and ``fs.s3a.secret.key``.
    """
    access_key_id, secret_access_key = config.s3_keys()
    prefix = "spark.hadoop.fs.s3a"
    return MappingProxyType(
        {
            "spark.redaction.regex": LAKE_REDACTION_REGEX,
            f"{prefix}.endpoint": config.s3.url,
            f"{prefix}.endpoint.region": config.s3.region,
            f"{prefix}.path.style.access": "true",
            f"{prefix}.connection.ssl.enabled": str(config.s3.url.startswith("https://")).lower(),
            f"{prefix}.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
            f"{prefix}.access.key": access_key_id,
            f"{prefix}.secret.key": secret_access_key,
        }
    )
