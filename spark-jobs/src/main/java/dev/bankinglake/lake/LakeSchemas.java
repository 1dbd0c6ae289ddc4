package dev.bankinglake.lake;

import dev.bankinglake.contract.Column;
import dev.bankinglake.contract.ColumnType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The bridge from the contract's column types to Spark's, so no schema is typed twice. */
public final class LakeSchemas {
    private LakeSchemas() {
    }

    public static DataType sparkType(ColumnType type) {
        return switch (type) {
            case STRING -> DataTypes.StringType;
            case INT -> DataTypes.IntegerType;
            case BIGINT -> DataTypes.LongType;
            case MONEY -> DataTypes.createDecimalType(ColumnType.MONEY_PRECISION, ColumnType.MONEY_SCALE);
            case TIMESTAMP -> DataTypes.TimestampType;
        };
    }

    public static StructField field(Column column) {
        return DataTypes.createStructField(column.name(), sparkType(column.type()), true);
    }

    /** A table's data columns as its files hold them: every column but the partition column, which is the folder's. */
    public static StructType dataSchema(TableDefinition table) {
        StructType schema = new StructType();
        for (Column column : table.columns()) {
            schema = schema.add(field(column));
        }
        return schema;
    }

    /** The schema of a table's rows as the job writes them: the data columns, then the partition column. */
    public static StructType tableSchema(TableDefinition table) {
        return dataSchema(table).add(field(LakeTable.PARTITION_COLUMN));
    }
}
