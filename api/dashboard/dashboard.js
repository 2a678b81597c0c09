/* yrd-air dashboard: plain browser JavaScript over the public API; ECharts is served by this
 * instance (no CDN: the page works on a closed network). window.__dashboard exposes what each
 * chart was drawn from, so a browser test can check the charts against the API. */
(function () {
  'use strict';
  var I18N = {
    zh: {
      title: '长三角 PM2.5 与臭氧协同防控',
      area: '区域',
      lang: 'English',
      ozoneTitle: '臭氧：日最大8小时平均（MDA8）与滚动365天第90百分位',
      ozoneNote: '近90天；虚线为二级标准限值 160 µg/m³。第90百分位需365天内至少324个有效日方为评价值。',
      mda8: 'MDA8',
      p90: '滚动P90',
      limit: '二级限值',
      pm25Title: 'PM2.5 年均浓度（年初至今）与目标',
      pm25Note:
        '各城市年初至今 PM2.5 日均值的平均（未满324个有效日时为暂定值）；横线为 {target} µg/m³ 目标（{rule}）。',
      mapTitle: '站点 PM2.5 日均值',
      mapNote: '按站点坐标绘制（不含行政边界）；颜色为最近一日 PM2.5 日均值。',
      tableTitle: '城市达标情况（年初至今，暂定）',
      city: '城市',
      province: '省份',
      ytd: '年均',
      days: '有效日',
      target: '目标',
      status: '状态',
      meets: '达标',
      exceeds: '超标',
      noData: '无数据',
      forecast: '年末预测',
      verdicts: {
        met: '已达标',
        'not met': '未达标',
        'on track': '有望达标',
        'at risk': '存在风险',
        'off track': '难以达标',
        unknown: '数据不足',
      },
      deliveryTitle: '各中心数据报送（近24小时）',
      deliveryNote: '获取率：有效值占应有值之比；时效：整点结束至发布的分钟数。',
      stations: '站点',
      capture: '获取率',
      p50: '时效中位数（分钟）',
      p90delay: '时效P90（分钟）',
      withinHour: '1小时内',
      rejects: '拒收',
      regionalTitle: '{city} PM2.5：区域背景与本地增量（近30天）',
      regionalNote: '城市增量法：背景为{method}，本地增量 = 城市均值 − 背景。',
      controlMethod: '本市对照点',
      percentileMethod: '周边50公里内站点逐时第10百分位',
      background: '区域背景',
      increment: '本地增量',
      localShare: '本地占比',
      feedsTitle: '数据源状态',
      feed: '数据源',
      lastSuccess: '最近成功',
      lag: '滞后（分钟）',
      errors: '错误',
      year: '年份',
      validDays: '有效日',
      exceedanceDays: '超标日',
      p90Year: 'P90',
      warmP90: '暖季P90（4–9月）',
      footer: '数据为实时发布值，未经审核。',
      regionYrd: '长三角（41城）',
      regionYrd31: '长三角（31城）',
      provinces: { shanghai: '上海市', jiangsu: '江苏省', zhejiang: '浙江省', anhui: '安徽省' },
      rule2026: 'GB 3095-2026 二级',
      rule2012: 'GB 3095-2012 二级',
    },
    en: {
      title: 'Yangtze River Delta PM2.5 and ozone',
      area: 'Area',
      lang: '中文',
      ozoneTitle: 'Ozone: daily max 8-h mean (MDA8) and rolling 365-day 90th percentile',
      ozoneNote:
        'Last 90 days; dashed line: Grade II limit 160 µg/m³. The P90 is an assessment value once 324 of the 365 days are valid.',
      mda8: 'MDA8',
      p90: 'Rolling P90',
      limit: 'Grade II limit',
      pm25Title: 'PM2.5 annual mean (year to date) against the target',
      pm25Note:
        'Mean of each city’s PM2.5 daily means this year so far (provisional until 324 valid days); line: the {target} µg/m³ target ({rule}).',
      mapTitle: 'Station PM2.5 daily means',
      mapNote: 'Stations at their coordinates (no administrative boundaries); colour: the latest day’s PM2.5 mean.',
      tableTitle: 'Cities against the target (year to date, provisional)',
      city: 'City',
      province: 'Province',
      ytd: 'Mean',
      days: 'Valid days',
      target: 'Target',
      status: 'Status',
      meets: 'meets',
      exceeds: 'above',
      noData: 'no data',
      forecast: 'Year-end forecast',
      verdicts: {
        met: 'met',
        'not met': 'not met',
        'on track': 'on track',
        'at risk': 'at risk',
        'off track': 'off track',
        unknown: 'too little data',
      },
      deliveryTitle: 'Centre delivery (last 24 hours)',
      deliveryNote:
        'Capture: valid values over those expected; timeliness: minutes from the hour’s end to publication.',
      stations: 'Stations',
      capture: 'Capture',
      p50: 'Median delay (min)',
      p90delay: 'P90 delay (min)',
      withinHour: 'Within an hour',
      rejects: 'Rejects',
      regionalTitle: '{city} PM2.5: regional background and local increment (last 30 days)',
      regionalNote: 'Urban-increment method: background from {method}; local increment = city mean − background.',
      controlMethod: 'the city’s control stations',
      percentileMethod: 'the hourly 10th percentile of stations within 50 km',
      background: 'Regional background',
      increment: 'Local increment',
      localShare: 'Local share',
      feedsTitle: 'Feed health',
      feed: 'Feed',
      lastSuccess: 'Last success',
      lag: 'Lag (min)',
      errors: 'Errors',
      year: 'Year',
      validDays: 'Valid days',
      exceedanceDays: 'Exceedance days',
      p90Year: 'P90',
      warmP90: 'Warm-season P90 (Apr–Sep)',
      footer: 'Real-time provisional data, not yet audited.',
      regionYrd: 'YRD (41 cities)',
      regionYrd31: 'YRD (31 cities)',
      provinces: { shanghai: 'Shanghai', jiangsu: 'Jiangsu', zhejiang: 'Zhejiang', anhui: 'Anhui' },
      rule2026: 'GB 3095-2026 Grade II',
      rule2012: 'GB 3095-2012 Grade II',
    },
  };
  var DAY = 86400000;
  var stored = null;
  try {
    stored = window.localStorage.getItem('yrd-air-lang');
  } catch {
    stored = null;
  }
  var lang = stored || ((navigator.language || '').indexOf('zh') === 0 ? 'zh' : 'en');
  var t = function (k) {
    return I18N[lang][k];
  };
  var state = { ready: false, error: null, queries: {}, data: {}, charts: {} };
  window.__dashboard = state;

  var cstDay = function (ms) {
    return new Date(ms + 8 * 3600000).toISOString().slice(0, 10);
  };
  var today = cstDay(Date.now());
  var year = Number(today.slice(0, 4));
  // The PM2.5 annual limit in force at the year's end (docs/standards.md: 30 from GB 3095-2026).
  var target = year >= 2026 ? 30 : 35;

  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok)
        return r.text().then(function (b) {
          throw new Error(url + ' → ' + r.status + ' ' + b);
        });
      return r.json();
    });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fill(table, head, rows) {
    table.textContent = '';
    var tr = el('tr');
    head.forEach(function (h) {
      tr.appendChild(el('th', {}, h));
    });
    table.appendChild(tr);
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (c) {
        row.appendChild(c instanceof Node ? wrap(c) : el('td', typeof c === 'number' ? { class: 'num' } : {}, c));
      });
      table.appendChild(row);
    });
  }
  function wrap(node) {
    var td = el('td');
    td.appendChild(node);
    return td;
  }
  function chart(id) {
    var dom = document.getElementById(id);
    var existing = echarts.getInstanceByDom(dom);
    if (existing) existing.dispose();
    var instance = echarts.init(dom);
    // No animation: what is drawn is at once what the data say (also for screenshots).
    var setOption = instance.setOption.bind(instance);
    instance.setOption = function (option) {
      option.animation = false;
      return setOption(option);
    };
    state.charts[id] = instance;
    return instance;
  }
  function translate() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = 'yrd-air · ' + t('title');
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (e) {
      e.textContent = t(e.getAttribute('data-i18n'));
    });
    document.getElementById('lang').textContent = t('lang');
    document.getElementById('pm25-note').textContent = t('pm25Note')
      .replace('{target}', target)
      .replace('{rule}', t(year >= 2026 ? 'rule2026' : 'rule2012'));
  }

  function drawOzone(area) {
    var from = cstDay(Date.now() - 89 * DAY);
    var url = '/v1/ozone?level=' + area.level + '&id=' + encodeURIComponent(area.id) + '&from=' + from + '&to=' + today;
    state.queries.ozone = url;
    return getJson(url).then(function (o) {
      // Start at the first day with data, so a young installation's few days fill the chart.
      var first = o.days.findIndex(function (d) {
        return d.mda8 !== null || d.p90 !== null;
      });
      if (first > 0) o = Object.assign({}, o, { days: o.days.slice(first) });
      state.data.ozone = o;
      chart('ozone-chart').setOption({
        tooltip: { trigger: 'axis' },
        legend: { data: [t('mda8'), t('p90')] },
        xAxis: {
          type: 'category',
          data: o.days.map(function (d) {
            return d.day;
          }),
        },
        yAxis: { type: 'value', name: 'µg/m³' },
        series: [
          {
            name: t('mda8'),
            type: 'line',
            data: o.days.map(function (d) {
              return d.mda8;
            }),
            connectNulls: false,
            symbolSize: 4,
            markLine: {
              symbol: 'none',
              lineStyle: { type: 'dashed', color: '#c62828' },
              data: [{ yAxis: o.limit, name: t('limit') }],
            },
          },
          {
            name: t('p90'),
            type: 'line',
            data: o.days.map(function (d) {
              return d.p90;
            }),
            lineStyle: { width: 2 },
            showSymbol: false,
          },
        ],
      });
      fill(
        document.getElementById('ozone-years'),
        [t('year'), t('validDays'), t('exceedanceDays'), t('p90Year'), t('warmP90')],
        o.years.map(function (y) {
          return [
            String(y.year),
            y.validDays,
            y.exceedanceDays,
            y.p90 === null ? '—' : y.p90,
            y.warmSeason.p90 === null ? '—' : y.warmSeason.p90,
          ];
        }),
      );
    });
  }

  function drawPm25(cities) {
    var url =
      '/v1/series?level=city&pollutant=pm25&resolution=year&incomplete=true&from=' +
      year +
      '-01-01&to=' +
      today +
      '&id=' +
      cities
        .map(function (c) {
          return encodeURIComponent(c.city);
        })
        .join(',');
    state.queries.pm25 = url;
    return getJson(url).then(function (s) {
      state.data.pm25 = s;
      var byCity = {};
      s.rows.forEach(function (r) {
        byCity[r.id] = r;
      });
      var names = cities.map(function (c) {
        return c.city;
      });
      var values = names.map(function (n) {
        var r = byCity[n];
        return r && r.value !== null ? Math.round(r.value * 10) / 10 : null;
      });
      chart('pm25-chart').setOption({
        tooltip: { trigger: 'axis' },
        grid: { bottom: 70 },
        xAxis: { type: 'category', data: names, axisLabel: { rotate: 60, interval: 0 } },
        yAxis: { type: 'value', name: 'µg/m³' },
        series: [
          {
            name: 'PM2.5',
            type: 'bar',
            data: values.map(function (v) {
              return { value: v, itemStyle: { color: v !== null && v > target ? '#d9534f' : '#2e7d32' } };
            }),
            markLine: { symbol: 'none', lineStyle: { color: '#12355b', type: 'dashed' }, data: [{ yAxis: target }] },
          },
        ],
      });
      return forecasts(cities).then(function (fc) {
        state.data.forecasts = fc;
        fill(
          document.getElementById('pm25-table'),
          [t('city'), t('province'), t('ytd'), t('days'), t('target'), t('status'), t('forecast')],
          cities.map(function (c, i) {
            var r = byCity[c.city];
            var v = values[i];
            var f = fc[c.city];
            var status = el(
              'span',
              { class: v === null ? 'warn' : v <= target ? 'ok' : 'bad' },
              v === null ? t('noData') : v <= target ? t('meets') : t('exceeds'),
            );
            var cls = !f
              ? 'warn'
              : f.verdict === 'met' || f.verdict === 'on track'
                ? 'ok'
                : f.verdict === 'unknown' || f.verdict === 'at risk'
                  ? 'warn'
                  : 'bad';
            var verdict = el(
              'span',
              { class: cls, 'data-verdict': f ? f.verdict : '' },
              f
                ? t('verdicts')[f.verdict] +
                    (f.probability !== null && f.verdict !== 'met' && f.verdict !== 'not met'
                      ? ' (' + Math.round(f.probability * 100) + ' %)'
                      : '')
                : '—',
            );
            return [
              c.city,
              t('provinces')[c.province] || c.province,
              v === null ? '—' : v,
              r ? r.nValid : 0,
              f && f.target.value !== null ? f.target.value : target,
              status,
              verdict,
            ];
          }),
        );
      });
    });
  }

  /** Each city's forecast against its own target, four requests at a time. */
  function forecasts(cities) {
    var out = {};
    var queue = cities.slice();
    state.queries.forecast = '/v1/compliance/forecast?level=city&year=' + year + '&id=';
    function next() {
      var c = queue.shift();
      if (!c) return Promise.resolve();
      return fetch(state.queries.forecast + encodeURIComponent(c.city))
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .then(function (f) {
          if (f) out[c.city] = f;
          return next();
        });
    }
    return Promise.all([next(), next(), next(), next()]).then(function () {
      return out;
    });
  }

  function drawMap(stations) {
    var located = stations.filter(function (s) {
      return s.lon !== null && s.lat !== null && !s.stopped;
    });
    var url =
      '/v1/series?level=station&pollutant=pm25&resolution=day&incomplete=true&from=' +
      cstDay(Date.now() - DAY) +
      '&to=' +
      today +
      '&id=' +
      located
        .map(function (s) {
          return s.code;
        })
        .join(',');
    state.queries.map = url;
    return getJson(url).then(function (s) {
      state.data.map = s;
      var latest = {};
      s.rows.forEach(function (r) {
        if (r.value !== null && (!latest[r.id] || latest[r.id].time < r.time)) latest[r.id] = r;
      });
      var points = located
        .filter(function (st) {
          return latest[st.code];
        })
        .map(function (st) {
          return {
            name: st.name + ' (' + st.code + ')',
            value: [st.lon, st.lat, Math.round(latest[st.code].value * 10) / 10],
          };
        });
      chart('map-chart').setOption({
        tooltip: {
          formatter: function (p) {
            return p.name + '<br>PM2.5 ' + p.value[2] + ' µg/m³';
          },
        },
        xAxis: { type: 'value', scale: true, name: '°E' },
        yAxis: { type: 'value', scale: true, name: '°N' },
        visualMap: {
          min: 0,
          max: 150,
          dimension: 2,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          calculable: true,
          inRange: { color: ['#2e7d32', '#f9d423', '#ff7e00', '#c62828', '#7e0023'] },
        },
        grid: { bottom: 80 },
        series: [{ type: 'scatter', symbolSize: 8, data: points }],
      });
    });
  }

  /** The local-vs-regional split of the chosen city (上海 when a larger area is chosen). */
  function drawRegional(area, stations) {
    var city = area.level === 'city' ? area.id : '上海';
    var hasControl = stations.some(function (s) {
      return s.city === city && s.control;
    });
    var method = hasControl ? 'control' : 'percentile';
    var url =
      '/v1/apportionment/regional?city=' +
      encodeURIComponent(city) +
      '&resolution=day&method=' +
      method +
      '&from=' +
      cstDay(Date.now() - 29 * DAY) +
      '&to=' +
      today;
    state.queries.regional = url;
    document.getElementById('regional-title').textContent = t('regionalTitle').replace('{city}', city);
    document.getElementById('regional-note').textContent = t('regionalNote').replace(
      '{method}',
      t(hasControl ? 'controlMethod' : 'percentileMethod'),
    );
    return getJson(url).then(function (r) {
      state.data.regional = r;
      var round = function (x) {
        return Math.round(x * 10) / 10;
      };
      chart('regional-chart').setOption({
        tooltip: { trigger: 'axis' },
        legend: { data: [t('background'), t('increment'), t('localShare')] },
        xAxis: {
          type: 'category',
          data: r.periods.map(function (p) {
            return p.period;
          }),
        },
        yAxis: [
          { type: 'value', name: 'µg/m³' },
          { type: 'value', name: '%', max: 100, min: -50 },
        ],
        series: [
          {
            name: t('background'),
            type: 'bar',
            stack: 'pm',
            data: r.periods.map(function (p) {
              return round(p.background);
            }),
            itemStyle: { color: '#7a9cc6' },
          },
          {
            name: t('increment'),
            type: 'bar',
            stack: 'pm',
            data: r.periods.map(function (p) {
              return round(p.increment);
            }),
            itemStyle: { color: '#e07b39' },
          },
          {
            name: t('localShare'),
            type: 'line',
            yAxisIndex: 1,
            data: r.periods.map(function (p) {
              return Math.round(p.localShare * 1000) / 10;
            }),
          },
        ],
      });
    });
  }

  function drawFeeds() {
    state.queries.feeds = '/v1/feeds';
    return fetch('/v1/feeds')
      .then(function (r) {
        return r.ok ? r.json() : { feeds: [] };
      })
      .then(function (f) {
        state.data.feeds = f;
        fill(
          document.getElementById('feeds-table'),
          [t('feed'), t('province'), t('lastSuccess'), t('lag'), t('errors')],
          f.feeds.map(function (x) {
            var ok = el(
              'span',
              { class: x.lastSuccessAt ? 'ok' : 'bad' },
              x.lastSuccessAt ? new Date(x.lastSuccessAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB') : '—',
            );
            return [
              x.name,
              t('provinces')[x.province] || x.province,
              ok,
              x.lagMinutes === null ? '—' : Math.round(x.lagMinutes),
              x.errorCount,
            ];
          }),
        );
      });
  }

  function drawDelivery() {
    state.queries.delivery = '/v1/centres/summary?hours=24';
    return fetch(state.queries.delivery)
      .then(function (r) {
        return r.ok ? r.json() : { centres: [] };
      })
      .then(function (d) {
        state.data.delivery = d;
        var pct = function (x) {
          return x === null ? '—' : Math.round(x * 1000) / 10 + ' %';
        };
        var num = function (x) {
          return x === null ? '—' : Math.round(x);
        };
        fill(
          document.getElementById('centres-table'),
          [t('province'), t('stations'), t('capture'), t('p50'), t('p90delay'), t('withinHour'), t('rejects')],
          d.centres.map(function (c) {
            return [
              t('provinces')[c.centre] || c.centre,
              c.stations,
              pct(c.capture),
              num(c.p50Minutes),
              num(c.p90Minutes),
              pct(c.withinHourShare),
              c.rejects,
            ];
          }),
        );
      });
  }

  var stationsCache = null;
  function render() {
    state.ready = false;
    translate();
    var select = document.getElementById('area');
    var chosen = select.value || 'region:yrd';
    return (stationsCache ? Promise.resolve(stationsCache) : getJson('/v1/stations'))
      .then(function (list) {
        stationsCache = list;
        var cities = [];
        var seen = {};
        var order = ['shanghai', 'jiangsu', 'zhejiang', 'anhui'];
        list.stations
          .slice()
          .sort(function (a, b) {
            return order.indexOf(a.province) - order.indexOf(b.province);
          })
          .forEach(function (s) {
            if (!seen[s.city]) {
              seen[s.city] = true;
              cities.push({ city: s.city, province: s.province });
            }
          });
        select.textContent = '';
        [
          ['region:yrd', t('regionYrd')],
          ['region:yrd31', t('regionYrd31')],
        ]
          .concat(
            order.map(function (p) {
              return ['province:' + p, t('provinces')[p]];
            }),
          )
          .concat(
            cities.map(function (c) {
              return ['city:' + c.city, c.city];
            }),
          )
          .forEach(function (o) {
            var opt = el('option', { value: o[0] }, o[1]);
            select.appendChild(opt);
          });
        select.value = chosen;
        var parts = chosen.split(':');
        var area = { level: parts[0], id: parts.slice(1).join(':') };
        return Promise.all([
          drawOzone(area),
          drawPm25(cities),
          drawRegional(area, list.stations),
          drawMap(list.stations),
          drawFeeds(),
          drawDelivery(),
        ]);
      })
      .then(
        function () {
          state.ready = true;
          state.error = null;
        },
        function (err) {
          state.error = String(err && err.message ? err.message : err);
          state.ready = true;
        },
      );
  }

  document.getElementById('lang').addEventListener('click', function () {
    lang = lang === 'zh' ? 'en' : 'zh';
    try {
      window.localStorage.setItem('yrd-air-lang', lang);
    } catch {
      /* private mode */
    }
    render();
  });
  document.getElementById('area').addEventListener('change', render);
  window.addEventListener('resize', function () {
    Object.keys(state.charts).forEach(function (k) {
      state.charts[k].resize();
    });
  });
  render();
  setInterval(function () {
    if (state.ready) render();
  }, 5 * 60000);
})();
