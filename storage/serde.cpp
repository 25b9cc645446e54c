#include "storage/serde.h"

namespace ibex::storage {

void ByteWriter::PutType(const DataType& type) {
  Put<uint8_t>(static_cast<uint8_t>(type.id()));
  Put<uint8_t>(static_cast<uint8_t>(type.precision()));
  Put<uint8_t>(static_cast<uint8_t>(type.scale()));
  Put<uint32_t>(type.length());
}

DataType ByteReader::GetType() {
  const auto id = Get<uint8_t>();
  const auto precision = Get<uint8_t>();
  const auto scale = Get<uint8_t>();
  const auto length = Get<uint32_t>();
  if (!ok()) return {};
  switch (static_cast<TypeId>(id)) {
    case TypeId::kBoolean:
      return DataType::Boolean();
    case TypeId::kInteger:
      return DataType::Integer();
    case TypeId::kBigint:
      return DataType::Bigint();
    case TypeId::kDouble:
      return DataType::Double();
    case TypeId::kDate:
      return DataType::Date();
    case TypeId::kVarchar:
      return DataType::Varchar(length);
    case TypeId::kChar:
      return DataType::Char(length);
    case TypeId::kDecimal: {
      auto t = DataType::MakeDecimal(precision, scale);
      if (t.ok()) return *t;
      break;
    }
  }
  Fail("bad type tag " + std::to_string(id));
  return {};
}

void ByteWriter::PutValue(const Value& v) {
  PutType(v.type());
  Put<uint8_t>(v.is_null() ? 1 : 0);
  if (v.is_null()) return;
  switch (v.type().physical()) {
    case PhysicalType::kDouble:
      Put<double>(v.dbl());
      break;
    case PhysicalType::kString:
      PutString(v.str());
      break;
    default:
      Put<int128_t>(v.int128());
      break;
  }
}

void ByteWriter::PutStatus(const Status& s) {
  Put<uint8_t>(static_cast<uint8_t>(s.code()));
  PutString(s.message());
}

Status ByteReader::GetStatus() {
  const auto code = Get<uint8_t>();
  std::string msg = GetString();
  if (code > static_cast<uint8_t>(StatusCode::kInternal)) {
    Fail("unknown status code " + std::to_string(code));
    return Status::Internal(std::move(msg));
  }
  return Status::FromCode(static_cast<StatusCode>(code), std::move(msg));
}

Value ByteReader::GetValue() {
  const DataType type = GetType();
  const bool is_null = Get<uint8_t>() != 0;
  if (!ok() || is_null) return Value::Null(type);
  switch (type.id()) {
    case TypeId::kBoolean:
      return Value::Boolean(Get<int128_t>() != 0);
    case TypeId::kInteger:
      return Value::Integer(static_cast<int32_t>(Get<int128_t>()));
    case TypeId::kBigint:
      return Value::Bigint(static_cast<int64_t>(Get<int128_t>()));
    case TypeId::kDate:
      return Value::Date(static_cast<int32_t>(Get<int128_t>()));
    case TypeId::kDecimal:
      return Value::Decimal(Get<int128_t>(), type);
    case TypeId::kDouble:
      return Value::Double(Get<double>());
    case TypeId::kVarchar:
    case TypeId::kChar:
      return Value::String(GetString(), type);
  }
  return Value::Null(type);
}

}  // namespace ibex::storage
