// Simplified Chinese for the charts (plotly.js locale "zh-CN"): the toolbar's button titles, its messages, the
// hover labels plotly writes itself, and dates and numbers. Written for this project: the plotly package ships
// plotly.js in English only, and a page may load no script from elsewhere. Loaded after plotly.min.js and before
// dashboard.js, which draws every chart with {locale: "zh-CN"} (see HotlineCharts.config below).
(function () {
  "use strict";
  if (typeof window.Plotly === "undefined") return;

  window.Plotly.register({
    moduleType: "locale",
    name: "zh-CN",
    dictionary: {
      // the toolbar (modebar)
      "Download plot as a PNG": "下载图片",
      "Download plot as a png": "下载图片",
      "Download plot": "下载图片",
      "Download plot as JSON": "下载图表数据（JSON）",
      Zoom: "框选放大",
      Pan: "平移",
      "Box Select": "框选",
      "Lasso Select": "套索选择",
      "Zoom in": "放大",
      "Zoom out": "缩小",
      Autoscale: "自动缩放",
      "Reset axes": "还原坐标轴",
      Reset: "还原",
      "Reset view": "还原视图",
      "Reset views": "还原视图",
      "Reset camera to default": "视角还原为默认",
      "Reset camera to last save": "视角还原为上次保存",
      "Orbital rotation": "环绕旋转",
      "Turntable rotation": "转台旋转",
      "Toggle Spike Lines": "显示或隐藏参考线",
      "Show closest data on hover": "悬停时显示最近的数据",
      "Compare data on hover": "悬停时比较各组数据",
      "Toggle show closest data on hover": "切换悬停时显示最近的数据",
      "Draw line": "画直线",
      "Draw open freeform": "画开放曲线",
      "Draw closed freeform": "画封闭图形",
      "Draw rectangle": "画矩形",
      "Draw circle": "画圆",
      "Erase active shape": "删除选中的图形",
      "Produced with Plotly.js": "由 Plotly.js 绘制",
      // what the toolbar's downloads say
      "Preparing image - this may take a few seconds": "正在生成图片，请稍候……",
      "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候……",
      "Image download succeeded": "图片已下载",
      "Snapshot succeeded": "图片已下载",
      "JSON download succeeded": "图表数据已下载",
      "Sorry, there was a problem downloading your image!": "抱歉，图片下载失败！",
      "Sorry, there was a problem downloading your snapshot!": "抱歉，图片下载失败！",
      "Sorry, there was a problem downloading your JSON file!": "抱歉，图表数据下载失败！",
      "IE only supports svg.  Changing format to svg.": "IE 只支持 SVG 格式，已改为 SVG。",
      // the cloud share dialog (its button is removed; translated in case a chart turns it back on)
      "Share chart...": "分享图表……",
      "Share chart": "分享图表",
      Share: "分享",
      Cancel: "取消",
      "Edit in Chart Studio": "在 Chart Studio 中编辑",
      // hints on the chart itself
      "Double-click to zoom back out": "双击还原",
      "Double-click on legend to isolate one trace": "双击图例只看这一组",
      "Click to enter Plot title": "点击输入图表标题",
      "Click to enter Plot subtitle": "点击输入图表副标题",
      "Click to enter X axis title": "点击输入横轴标题",
      "Click to enter Y axis title": "点击输入纵轴标题",
      "Click to enter Colorscale title": "点击输入色阶标题",
      "Click to enter radial axis title": "点击输入径向轴标题",
      "Click to enter Component A title": "点击输入分量 A 标题",
      "Click to enter Component B title": "点击输入分量 B 标题",
      "Click to enter Component C title": "点击输入分量 C 标题",
      "new text": "新文本",
      // labels plotly writes in hover boxes
      trace: "数据组",
      "min:": "最小值：",
      "max:": "最大值：",
      "mean:": "平均值：",
      "mean ± σ:": "平均值 ± σ：",
      "median:": "中位数：",
      "q1:": "下四分位数：",
      "q3:": "上四分位数：",
      "lower fence:": "下限：",
      "upper fence:": "上限：",
      "kde:": "核密度：",
      "open:": "开盘：",
      "high:": "最高：",
      "low:": "最低：",
      "close:": "收盘：",
      "lat:": "纬度：",
      "lon:": "经度：",
      "source:": "来源：",
      "target:": "去向：",
      "incoming flow count:": "流入数：",
      "outgoing flow count:": "流出数："
    },
    format: {
      days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
      shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
      shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
      periods: ["上午", "下午"],
      dateTime: "%Y-%m-%d %H:%M:%S",
      date: "%Y-%m-%d",
      time: "%H:%M:%S",
      decimal: ".",
      thousands: ",",
      grouping: [3],
      currency: ["¥", ""],
      year: "%Y年",
      month: "%Y年%-m月",
      dayMonth: "%-m月%-d日",
      dayMonthYear: "%Y年%-m月%-d日"
    }
  });

  // What every chart of the site is drawn with, whatever its figure's own config says: Chinese, no plotly logo,
  // and none of the buttons that would send the chart's data to Plotly's cloud (the city's data stays on the
  // intranet, and the intranet has no way out anyway).
  var CLOUD_BUTTONS = ["sendChartToCloud", "sendDataToCloud", "editInChartStudio"];
  window.HotlineCharts = {
    config: function (own) {
      var config = Object.assign({}, own || {});
      config.locale = "zh-CN";
      config.displaylogo = false;
      config.showSendToCloud = false;
      config.showEditInChartStudio = false;
      config.modeBarButtonsToRemove = (config.modeBarButtonsToRemove || []).concat(
        CLOUD_BUTTONS.filter(function (name) {
          return (config.modeBarButtonsToRemove || []).indexOf(name) < 0;
        })
      );
      return config;
    }
  };
})();
